using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Zwarm.Core.Text;

namespace Zwarm.Orchestration.Loop;

/// <summary>The lines a person sees while the LLM works: "step N → tool(args)", "  └ result", watcher notes, retries.</summary>
internal sealed class StepPrinter(TextWriter output)
{
    /// <summary>Where lines go.</summary>
    public TextWriter Out { get; } = output;

    public void Call(int step, FunctionCallContent call) => Line($"step {step} → {Signature(call)}");

    public void Result(string shortText) => Line($"  └ {shortText}");

    public void Thought(string text) => Line($"  … {TextCut.OneLine(text, 200)}");

    public void Reasoning(string text) => Line($"  (reasoning) {TextCut.OneLine(text, 400)}");

    public void Watcher(string name, string action, string message) => Line($"  ⚑ [WATCHER: {name}] {action}: {message}");

    public void Note(string text) => Line($"  · {text}");

    public void Line(string text)
    {
        Out.WriteLine(text);
        Out.Flush();
    }

    /// <summary>tool(key="value", n=5): arguments in call order, long strings cut.</summary>
    public static string Signature(FunctionCallContent call)
    {
        var sb = new StringBuilder(call.Name).Append('(');
        var first = true;
        foreach (var (k, v) in call.Arguments ?? new Dictionary<string, object?>())
        {
            if (k == "_raw") continue;
            if (!first) sb.Append(", ");
            first = false;
            sb.Append(k).Append('=').Append(Value(v));
        }
        return TextCut.Cut(sb.Append(')').ToString(), 160);
    }

    private static string Value(object? v) => v switch
    {
        JsonElement { ValueKind: JsonValueKind.String } e => Quote(e.GetString() ?? ""),
        JsonElement e => e.GetRawText(),
        string s => Quote(s),
        null => "null",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };

    private static string Quote(string s) => "\"" + TextCut.OneLine(s, 60).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
