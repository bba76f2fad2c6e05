using System.Text.Json.Nodes;
using Zwarm.Core.Agents;
using Zwarm.Core.Text;

namespace Zwarm.Orchestration;

/// <summary>Path and step text helpers shared by tools, watchers and the printed lines (cutting is Core's <see cref="TextCut"/>).</summary>
internal static class Text
{
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
        StepKind.Command => TextCut.OneLine($"command: {s.Command ?? s.Text}" + (s.ExitCode is { } c ? $" (exit {c})" : ""), max),
        StepKind.FileChange => TextCut.OneLine($"file_change: {s.ChangeKind ?? "edit"} {s.Path ?? s.Text}", max),
        StepKind.ToolCall => TextCut.OneLine($"tool_call: {s.ToolName} {s.Text}", max),
        _ => TextCut.OneLine($"{s.Kind.WireName()}: {s.Text}", max),
    };
}
