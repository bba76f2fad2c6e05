using System.Text.Json.Nodes;
using Zwarm.Core.Agents;

namespace Zwarm.Orchestration;

/// <summary>Small text helpers shared by tools, watchers and the printed lines.</summary>
internal static class Text
{
    /// <summary>At most <paramref name="max"/> characters, with an ellipsis when cut.</summary>
    public static string Cut(string? s, int max)
    {
        s ??= "";
        return s.Length <= max ? s : s[..Math.Max(0, max - 1)] + "…";
    }

    /// <summary>Whitespace collapsed to single spaces, then cut.</summary>
    public static string OneLine(string? s, int max) =>
        Cut(string.Join(' ', (s ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)), max);

    /// <summary>True when <paramref name="path"/> is <paramref name="root"/> or inside it (both absolute).</summary>
    public static bool IsInside(string path, string root)
    {
        var p = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        var r = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        return p == r || p.StartsWith(r + Path.DirectorySeparatorChar, StringComparison.Ordinal) || r == "/";
    }

    /// <summary>"command: npm test (exit 0)" style one-liner of a trajectory step.</summary>
    public static string StepLine(TrajectoryStep s, int max) => s.Kind switch
    {
        StepKind.Command => OneLine($"command: {s.Command ?? s.Text}" + (s.ExitCode is { } c ? $" (exit {c})" : ""), max),
        StepKind.FileChange => OneLine($"file_change: {s.ChangeKind ?? "edit"} {s.Path ?? s.Text}", max),
        StepKind.ToolCall => OneLine($"tool_call: {s.ToolName} {s.Text}", max),
        _ => OneLine($"{s.Kind.WireName()}: {s.Text}", max),
    };
}
