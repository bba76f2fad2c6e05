using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Zwarm.Core;
using Zwarm.Core.Text;

namespace Zwarm.Orchestration.Watchers;

/// <summary>pattern: regexes over what happened since the last step (model text, call arguments, results) → an action.</summary>
internal sealed class PatternWatcher : Watcher
{
    private sealed record Rule(Regex Regex, WatcherAction Action, string? Message);

    private readonly List<Rule> _rules = [];

    public PatternWatcher(WatcherSettings s) : base("pattern")
    {
        var tables = s.Tables("patterns").Select(t => new WatcherSettings(t)).ToList();
        if (s.String("regex") is not null || s.String("pattern") is not null) tables.Add(s);
        foreach (var t in tables)
        {
            var regex = t.String("regex") ?? t.String("pattern")
                ?? throw new ZwarmException("[[watchers.watchers]] pattern: each pattern needs regex = \"…\"", ExitCodes.Usage);
            var action = WatcherVerdict.ParseAction(t.String("action") ?? "nudge")
                ?? throw new ZwarmException(
                    $"[[watchers.watchers]] pattern: action must be continue, nudge, pause or abort, got '{t.String("action")}'",
                    ExitCodes.Usage);
            try
            {
                _rules.Add(new Rule(
                    new Regex(regex, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)),
                    action,
                    t.String("message")));
            }
            catch (ArgumentException ex)
            {
                throw new ZwarmException($"[[watchers.watchers]] pattern: bad regex '{regex}': {ex.Message}", 2, ex);
            }
        }
    }

    public override ValueTask<WatcherVerdict> CheckAsync(WatchContext ctx, CancellationToken ct)
    {
        if (_rules.Count == 0 || ctx.NewMessages.Count == 0) return ValueTask.FromResult(WatcherVerdict.Continue);
        var text = Flatten(ctx.NewMessages);
        foreach (var rule in _rules)
        {
            var m = rule.Regex.Match(text);
            if (!m.Success) continue;
            var message = rule.Message ?? $"matched /{rule.Regex}/: \"{TextCut.OneLine(m.Value, 80)}\"";
            return ValueTask.FromResult(new WatcherVerdict(rule.Action, message));
        }
        return ValueTask.FromResult(WatcherVerdict.Continue);
    }

    /// <summary>Text, call arguments and results of messages, one line each.</summary>
    internal static string Flatten(IEnumerable<ChatMessage> messages)
    {
        var sb = new StringBuilder();
        foreach (var c in messages.SelectMany(m => m.Contents))
        {
            switch (c)
            {
                case TextContent t: sb.AppendLine(t.Text); break;
                case FunctionCallContent f: sb.Append(f.Name).Append(' ').AppendLine(State.MessageCodec.ArgumentsJson(f.Arguments)); break;
                case FunctionResultContent r: sb.AppendLine(State.MessageCodec.ResultText(r.Result)); break;
            }
        }
        return sb.ToString();
    }
}

/// <summary>
/// scope: delegations or bash commands matching a configured forbidden pattern (forbidden = ["…"]), or repeated attempts
/// to work outside the allowed directories.
/// </summary>
internal sealed class ScopeWatcher(WatcherSettings s) : Watcher("scope")
{
    private readonly List<Regex> _forbidden =
        [.. s.Strings("forbidden").Select(f => new Regex(f, RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1)))];
    private int _checked;
    private int _outsideFiredAt = -1;

    public override ValueTask<WatcherVerdict> CheckAsync(WatchContext ctx, CancellationToken ct)
    {
        var fresh = ctx.Calls.Skip(_checked).ToList();
        _checked = ctx.Calls.Count;
        foreach (var call in fresh.Where(c => c.Name is "delegate" or "bash" or "converse"))
            foreach (var f in _forbidden)
                if (f.IsMatch(call.ArgumentsJson))
                    return ValueTask.FromResult(Nudge(
                        $"{call.Name} at step {call.Step} touches something out of scope (/{f}/). Stay within the task the user gave."));
        var outside = ctx.Calls
            .Where(c => c.Name == "delegate" && !c.Success
                && c.ResultJson.Contains("outside the allowed directories", StringComparison.Ordinal))
            .ToList();
        if (outside.Count >= 2 && outside[^1].Step > _outsideFiredAt)
        {
            _outsideFiredAt = outside[^1].Step;
            return ValueTask.FromResult(Nudge($"You tried {outside.Count} times to delegate outside the allowed directories "
                + $"({string.Join(", ", ctx.Tools.AllowedDirs)}). Work inside them, or tell the user what you need."));
        }
        return ValueTask.FromResult(WatcherVerdict.Continue);
    }
}

/// <summary>
/// delegation: bash used to write code (redirects into source files, heredocs, sed -i, tee, patch) instead of delegating.
/// </summary>
internal sealed partial class DelegationWatcher(WatcherSettings s) : Watcher("delegation")
{
    private readonly bool _enabled = s.Bool("enabled", true);
    private int _checked;

    [GeneratedRegex(
        @"(>>?\s*[\w./-]+\.(py|cs|js|ts|tsx|jsx|go|rs|java|kt|rb|php|c|h|cpp|hpp|swift|sh|toml|json|ya?ml|md|html|css)\b)" +
        @"|(<<-?\s*['""]?\w+)|(\bsed\s+-i)|(\bperl\s+-p?i)|(\btee\s+[\w./-]+\.\w+)|(\bgit\s+apply\b)|(\bpatch\s+-)|(\bapply_patch\b)" +
        @"|(open\([^)]*['""]w['""])",
        RegexOptions.IgnoreCase)]
    private static partial Regex WritesCode();

    public override ValueTask<WatcherVerdict> CheckAsync(WatchContext ctx, CancellationToken ct)
    {
        var fresh = ctx.Calls.Skip(_checked).ToList();
        _checked = ctx.Calls.Count;
        if (!_enabled) return ValueTask.FromResult(WatcherVerdict.Continue);
        foreach (var call in fresh.Where(c => c.Name == "bash"))
        {
            var command = JsonNode.Parse(call.ArgumentsJson)?["command"]?.GetValue<string>() ?? "";
            if (WritesCode().IsMatch(command))
                return ValueTask.FromResult(Nudge($"bash at step {call.Step} writes files (\"{TextCut.OneLine(command, 60)}\"). "
                    + "bash is for verification only: delegate code changes to a session with a clear task."));
        }
        return ValueTask.FromResult(WatcherVerdict.Continue);
    }
}
