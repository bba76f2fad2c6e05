using System.Diagnostics;
using System.Text;
using AwesomeAssertions;
using Xunit;
using Zwarm.Core.Agents;
using Zwarm.Core.Agents.Claude;

namespace Zwarm.Core.Tests.Agents.Claude;

/// <summary>Runs alone so that the working set it measures is its own.</summary>
[CollectionDefinition(nameof(ClaudeStreamingCollection), DisableParallelization = true)]
public sealed class ClaudeStreamingCollection;

/// <summary>A transcript of hundreds of MB parses line by line in bounded memory.</summary>
[Collection(nameof(ClaudeStreamingCollection))]
public sealed class ClaudeStreamingSpecs
{
    private const int Rounds = 3_000;
    private const int OutputChars = 44 * 1024;

    [Fact(Timeout = 300_000)]
    public async Task A_200_MB_transcript_parses_with_correct_counts_in_bounded_memory()
    {
        var ct = TestContext.Current.CancellationToken;
        var path = Path.Combine(Path.GetTempPath(), $"zwarm-claude-stream-{Guid.NewGuid():N}.jsonl");
        try
        {
            var size = await WriteTranscriptAsync(path, ct);
            size.Should().BeGreaterThan(190L * 1024 * 1024);

            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var baseline = CurrentWorkingSet();
            var parser = new PeakTrackingParser(new ClaudeParser(collectTrajectory: false));
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);

            await TurnReader.ParseFileAsync(path, parser, ct);
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

            var r = parser.Result;
            r.Lines.Should().Be(2 + 3L * Rounds + Rounds / 500);
            r.MalformedLines.Should().Be(Rounds / 500);
            r.AgentSessionId.Should().Be("big-session");
            r.AssistantMessages.Should().HaveCount(Rounds);
            r.AssistantMessages[^1].Should().Be($"Step {Rounds - 1}: running the command.");
            r.Steps.Should().BeEmpty();
            r.Usage["input_tokens"].Should().Be(123_456);
            r.CompletionEvent.Should().BeTrue();
            (parser.PeakWorkingSet - baseline).Should().BeLessThan(100L * 1024 * 1024,
                "the peak working set was {0} MB over a baseline of {1} MB", parser.PeakWorkingSet >> 20, baseline >> 20);
            // Tool outputs are never decoded without a trajectory: the parse allocates a fraction of the file's size.
            allocated.Should().BeLessThan(64L * 1024 * 1024);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static long CurrentWorkingSet()
    {
        using var p = Process.GetCurrentProcess();
        return p.WorkingSet64;
    }

    private static async Task<long> WriteTranscriptAsync(string path, CancellationToken ct)
    {
        var block = new StringBuilder();
        for (var i = 0; block.Length < OutputChars; i++)
            block.Append("line ").Append(i).Append(" of a long output with \"quotes\", tabs\tand ünïcödé\n");
        var output = System.Text.Json.JsonSerializer.Serialize(block.ToString());
        await using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        await writer.WriteLineAsync("""{"type":"system","subtype":"init","session_id":"big-session"}""".AsMemory(), ct);
        for (var i = 0; i < Rounds; i++)
        {
            await writer.WriteLineAsync($$$"""{"type":"assistant","message":{"id":"msg_{{{i}}}","content":[{"type":"text","text":"Step {{{i}}}: running the command."}],"usage":{"input_tokens":300}},"session_id":"big-session"}""".AsMemory(), ct);
            await writer.WriteLineAsync($$$"""{"type":"assistant","message":{"id":"msg_{{{i}}}","content":[{"type":"tool_use","id":"toolu_{{{i}}}","name":"Bash","input":{"command":"seq {{{i}}}"}}]},"session_id":"big-session"}""".AsMemory(), ct);
            var isError = i % 10 == 3 ? "true" : "false";
            await writer.WriteLineAsync($$$"""{"type":"user","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_{{{i}}}","content":{{{output}}},"is_error":{{{isError}}}}]},"session_id":"big-session"}""".AsMemory(), ct);
            if (i % 500 == 0) await writer.WriteLineAsync("stderr noise that is not JSON".AsMemory(), ct);
        }
        await writer.WriteLineAsync("""{"type":"result","subtype":"success","is_error":false,"result":"Step 2999: running the command.","session_id":"big-session","usage":{"input_tokens":123456,"output_tokens":789}}""".AsMemory(), ct);
        await writer.FlushAsync(ct);
        return writer.BaseStream.Length;
    }

    /// <summary>Samples the process working set while lines are fed.</summary>
    private sealed class PeakTrackingParser(ITurnParser inner) : ITurnParser
    {
        private long _fed;

        public long PeakWorkingSet { get; private set; }

        public TurnParseResult Result => inner.Result;

        public void Feed(ReadOnlySpan<byte> line)
        {
            inner.Feed(line);
            if (++_fed % 64 == 0) PeakWorkingSet = Math.Max(PeakWorkingSet, CurrentWorkingSet());
        }
    }
}
