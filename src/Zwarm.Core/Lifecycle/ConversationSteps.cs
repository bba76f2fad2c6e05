using Zwarm.Core.Agents;

namespace Zwarm.Core.Lifecycle;

/// <summary>
/// Keeps of each step only what the conversation of a finished turn uses (<see cref="TurnFinalizer"/>): tool outputs are
/// dropped as soon as they are parsed and tool-call inputs cut short, so finalising a transcript of hundreds of MB takes
/// bounded memory.
/// </summary>
internal sealed class ConversationSteps : ITurnParser
{
    /// <summary>How much of a tool call's input the conversation shows.</summary>
    internal const int ToolCallShown = 300;

    private const int ToolCallChars = 1000; // the conversation shows ToolCallShown
    private readonly ITurnParser inner;
    private int _trimmed;

    public ConversationSteps(ITurnParser inner)
    {
        this.inner = inner;
        // Outputs are never decoded when the parser can skip them; the trimming below covers any other parser.
        (inner as IDropsOutputs)?.DropOutputs();
    }

    public TurnParseResult Result => inner.Result;

    public void Feed(ReadOnlySpan<byte> line)
    {
        inner.Feed(line);
        var steps = inner.Result.Steps;
        for (; _trimmed < steps.Count; _trimmed++)
        {
            var s = steps[_trimmed];
            if (s.Kind == StepKind.ToolOutput) steps[_trimmed] = s with { Text = "", Output = null };
            else if (s.Output is not null || (s.Kind == StepKind.ToolCall && s.Text.Length > ToolCallChars))
                steps[_trimmed] = s with
                {
                    Output = null,
                    Text = s.Kind == StepKind.ToolCall && s.Text.Length > ToolCallChars ? s.Text[..ToolCallChars] : s.Text,
                };
        }
    }
}
