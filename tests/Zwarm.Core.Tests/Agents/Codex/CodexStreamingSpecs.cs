using System.Text;
using System.Text.Json;
using AwesomeAssertions;
using Xunit;
using Zwarm.Core.Agents;
using Zwarm.Core.Agents.Codex;

namespace Zwarm.Core.Tests.Agents.Codex;

/// <summary>Tests that measure the process's memory run alone.</summary>
[CollectionDefinition(nameof(MemoryMeasuring), DisableParallelization = true)]
public sealed class MemoryMeasuring;

/// <summary>A transcript of hundreds of MB parses in bounded memory.</summary>
[Collection(nameof(MemoryMeasuring))]
public sealed class CodexStreamingSpecs
{
    private const long TargetBytes = 200L << 20;

    [Fact(Timeout = 300_000)]
    public async Task A_200_MB_transcript_parses_without_a_trajectory_in_bounded_memory()
    {
        var ct = TestContext.Current.CancellationToken;
        var path = Path.Combine(Path.GetTempPath(), $"zwarm-codex-stream-{Guid.NewGuid():N}.jsonl");
        try
        {
            var written = await WriteTranscriptAsync(path, ct);
            new FileInfo(path).Length.Should().BeGreaterThanOrEqualTo(TargetBytes);

            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var workingSetBefore = SamplingParser.ResidentBytes();
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var parser = new SamplingParser(new CodexParser(collectTrajectory: false));
            await TurnReader.ParseFileAsync(path, parser, ct);
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

            var r = parser.Result;
            r.Lines.Should().Be(written.Lines);
            r.MalformedLines.Should().Be(2);
            r.AssistantMessages.Should().HaveCount(written.Messages);
            r.Reply.Should().Be("All done.");
            r.Steps.Should().BeEmpty();
            r.AgentSessionId.Should().Be("01a21dc4-0000-7000-8000-000000000200");
            r.CompletionEvent.Should().BeTrue();
            r.Usage["input_tokens"].Should().Be(123_456);
            // The reader's line buffer grows by doubling to fit the longest line; everything else is a few strings per item.
            allocated.Should().BeLessThan(
                4 * written.LongestLine + (8L << 20), "parsing must not materialise the {0} MB of command output", TargetBytes >> 20);
            (parser.PeakWorkingSet - workingSetBefore).Should().BeLessThan(100L << 20);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Feeding_large_command_lines_allocates_only_what_the_result_keeps()
    {
        var output = JsonSerializer.Serialize(string.Concat(Enumerable.Repeat("some \"output\" line\twith é ✓\n", 4000)));
        var line = Encoding.UTF8.GetBytes($$$"""{"type":"item.completed","item":{"id":"item_1","type":"command_execution","command":"make test","aggregated_output":{{{output}}},"exit_code":0,"status":"completed"}}""");
        var parser = new CodexParser(collectTrajectory: false);
        parser.Feed(line);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++) parser.Feed(line);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        parser.Result.MalformedLines.Should().Be(0);
        allocated.Should().BeLessThan(1000 * 512, "{0} MB of JSON were fed but no output is kept", line.Length * 1000L >> 20);
    }

    private sealed record Written(long Lines, int Commands, int FailedCommands, int Messages, long LongestLine);

    // Many completed commands with large, escape-heavy outputs (a few of several MB), agent messages, stderr noise.
    private static async Task<Written> WriteTranscriptAsync(string path, CancellationToken ct)
    {
        var chunk = string.Concat(Enumerable.Range(0, 40).Select(i => $"line {i}: \"quoted\" \\ tab\t é ✓ \u001b[0m done\n"));
        var normal = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(string.Concat(Enumerable.Repeat(chunk, 32))));
        var huge = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(string.Concat(Enumerable.Repeat(chunk, 2000))));
        await using var fs = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, FileOptions.Asynchronous);
        long lines = 0;
        int commands = 0, failed = 0, messages = 0;
        async Task Line(string text)
        {
            await fs.WriteAsync(Encoding.UTF8.GetBytes(text + "\n"), ct);
            lines++;
        }
        await Line("WARNING: proceeding, even though we could not create PATH aliases");
        await Line("""{"type":"thread.started","thread_id":"01a21dc4-0000-7000-8000-000000000200"}""");
        await Line("Reading additional input from stdin...");
        await Line("""{"type":"turn.started"}""");
        while (fs.Length < TargetBytes)
        {
            var id = $"item_{commands + messages}";
            var exit = commands % 7 == 0 ? 1 : 0;
            var status = exit == 0 ? "completed" : "failed";
            await Line($$$"""{"type":"item.started","item":{"id":"{{{id}}}","type":"command_execution","command":"cat file{{{commands}}}.txt","aggregated_output":"","exit_code":null,"status":"in_progress"}}""");
            await fs.WriteAsync(Encoding.UTF8.GetBytes($$$"""{"type":"item.completed","item":{"id":"{{{id}}}","type":"command_execution","command":"cat file{{{commands}}}.txt","aggregated_output":"""), ct);
            await fs.WriteAsync(commands % 500 == 1 ? huge : normal, ct);
            await Line($$$""","exit_code":{{{exit}}},"status":"{{{status}}}"}}""");
            commands++;
            failed += exit;
            if (commands % 50 == 0)
            {
                messages++;
                await Line($$$"""{"type":"item.completed","item":{"id":"item_m{{{messages}}}","type":"agent_message","text":"Progress {{{messages}}}"}}""");
            }
        }
        messages++;
        await Line("""{"type":"item.completed","item":{"id":"item_last","type":"agent_message","text":"All done."}}""");
        await Line("""{"type":"turn.completed","usage":{"input_tokens":123456,"cached_input_tokens":0,"output_tokens":789}}""");
        return new Written(lines, commands, failed, messages, huge.Length + 256);
    }

    // Samples the resident set while parsing; /proc/self/statm is read without allocating much (Environment.WorkingSet
    // builds a Process object per call on Linux, megabytes of garbage that would swamp the measurement).
    private sealed class SamplingParser(ITurnParser inner) : ITurnParser
    {
        public long PeakWorkingSet { get; private set; } = ResidentBytes();

        public TurnParseResult Result => inner.Result;

        public void Feed(ReadOnlySpan<byte> line)
        {
            inner.Feed(line);
            if (inner.Result.Lines % 16 == 0) PeakWorkingSet = Math.Max(PeakWorkingSet, ResidentBytes());
        }

        public static long ResidentBytes()
        {
            if (!OperatingSystem.IsLinux()) return Environment.WorkingSet;
            Span<byte> buffer = stackalloc byte[128];
            using var handle = File.OpenHandle("/proc/self/statm");
            var text = buffer[..RandomAccess.Read(handle, buffer, 0)];
            var fields = text[(text.IndexOf((byte)' ') + 1)..];
            var end = fields.IndexOf((byte)' ');
            return long.Parse(fields[..(end < 0 ? fields.Length : end)], System.Globalization.CultureInfo.InvariantCulture)
                * Environment.SystemPageSize;
        }
    }
}
