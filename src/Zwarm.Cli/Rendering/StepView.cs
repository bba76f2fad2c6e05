using Spectre.Console;
using Zwarm.Core.Agents;
using Zwarm.Core.Text;

namespace Zwarm.Cli.Rendering;

/// <summary>How a trajectory step looks in `traj` and `watch`: a numbered line, then indented detail (output, exit code).</summary>
internal static class StepView
{
    /// <summary>Lines of command or tool output shown without --full.</summary>
    public const int OutputLines = 12;

    /// <summary>Characters of command or tool output shown without --full.</summary>
    public const int OutputChars = 2000;

    private const int ReasoningLines = 4;
    private const string Indent = "       ";

    /// <summary>Writes step number <paramref name="n"/> as markup lines.</summary>
    public static void Write(IAnsiConsole console, int n, TrajectoryStep s, bool full)
    {
        var num = $"{n,4}. ";
        switch (s.Kind)
        {
            case StepKind.Reasoning:
                var thought = full ? s.Text.Trim() : TextCut.Excerpt(s.Text, ReasoningLines, 600);
                WriteBlock(console, num + "[grey]think[/]  ", thought, "grey italic");
                break;
            case StepKind.Command:
                console.MarkupLine($"{num}[bold]$[/] {Term.Escape(OneLine(s.Command ?? s.Text, full))}");
                var (output, hidden) = Cut(s.Output, full);
                if (output.Length > 0)
                    foreach (var line in output.Split('\n')) console.MarkupLine($"{Indent}[grey]{Term.Escape(line)}[/]");
                if (hidden > 0) console.MarkupLine($"{Indent}[grey]… {hidden} more line(s); see --full[/]");
                console.MarkupLine(s.ExitCode switch
                {
                    null => $"{Indent}[yellow]→ no exit code[/]",
                    0 => $"{Indent}[green]→ exit 0[/]",
                    var c => $"{Indent}[red]→ exit {c}[/]",
                });
                break;
            case StepKind.ToolCall:
                WriteBlock(
                    console,
                    $"{num}[blue]tool[/]   [bold]{Term.Escape(s.ToolName ?? "tool")}[/] ",
                    full ? s.Text : TextCut.Excerpt(s.Text, OutputLines, OutputChars),
                    null);
                break;
            case StepKind.ToolOutput:
                var (text, more) = Cut(s.Output ?? s.Text, full);
                WriteBlock(console, $"{num}[blue]result[/] {Term.Escape(s.ToolName ?? "")} ", text, s.IsError ? "red" : "grey");
                if (more > 0) console.MarkupLine($"{Indent}[grey]… {more} more line(s); see --full[/]");
                break;
            case StepKind.FileChange:
                console.MarkupLine($"{num}[cyan]file[/]   {Term.Escape(s.ChangeKind ?? "update")} " +
                                   $"{Term.Escape(s.Path ?? s.Text)}{(s.IsError ? " [red](failed)[/]" : "")}");
                break;
            case StepKind.Message:
                WriteBlock(console, $"{num}[green]reply[/]  ", s.Text.Trim(), null);
                break;
            case StepKind.Retry:
                console.MarkupLine($"{num}[yellow]retry[/]  {Term.Escape(s.Text)}");
                break;
            default:
                WriteBlock(console, $"{num}[red]error[/]  ", s.Text, "red");
                break;
        }
    }

    /// <summary>
    /// The JSON of a step with its number; outputs cut as in text unless <paramref name="full"/> (then "output_truncated": true).
    /// </summary>
    public static StepWire ToWire(int n, TrajectoryStep s, bool full)
    {
        var o = StepJson.ToWire(s) with { N = n };
        if (s.Output is not null && !full)
        {
            var (cut, hidden) = Cut(s.Output, false);
            if (hidden > 0 || cut.Length < s.Output.TrimEnd().Length) return o with { Output = cut, OutputTruncated = true };
        }
        return o;
    }

    /// <summary>A turn separator.</summary>
    public static void TurnRule(IAnsiConsole console, int turn, string? detail = null)
    {
        // A fixed-width rule: a full-width one is noise in a wide terminal and in a file.
        var title = $"turn {turn}" + (detail is null ? "" : $" · {detail}");
        var fill = Math.Max(3, Math.Min(console.Profile.Width, 80) - title.Length - 4);
        console.MarkupLine($"[grey]──[/] [bold]{Term.Escape(title)}[/] [grey]{new string('─', fill)}[/]");
    }

    private static void WriteBlock(IAnsiConsole console, string head, string text, string? style)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        string Styled(string l) => style is null ? Term.Escape(l) : $"[{style}]{Term.Escape(l)}[/]";
        console.MarkupLine(head + Styled(lines[0]));
        foreach (var l in lines.Skip(1)) console.MarkupLine(Indent + Styled(l));
    }

    private static string OneLine(string command, bool full)
    {
        if (full) return command;
        var nl = command.IndexOf('\n');
        return nl < 0 ? command : command[..nl] + " …";
    }

    /// <summary>
    /// Output cut to <see cref="OutputLines"/> lines / <see cref="OutputChars"/> characters unless full; returns the hidden line count.
    /// </summary>
    private static (string Text, int HiddenLines) Cut(string? output, bool full)
    {
        var text = (output ?? "").ReplaceLineEndings("\n").TrimEnd();
        if (full || text.Length == 0) return (text, 0);
        var lines = text.Split('\n');
        var shown = lines.Take(OutputLines).ToList();
        var joined = string.Join("\n", shown);
        if (joined.Length > OutputChars) joined = joined[..OutputChars] + " …";
        return (joined, lines.Length - shown.Count);
    }
}
