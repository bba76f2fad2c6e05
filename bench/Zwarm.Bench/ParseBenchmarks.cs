using System.Buffers;
using BenchmarkDotNet.Attributes;
using Zwarm.Core.Agents;

namespace Zwarm.Bench;

/// <summary>
/// BenchmarkDotNet: one big transcript per agent read plainly (the baseline), framed into lines, and parsed both
/// ways zwarm parses (summary only; with the trajectory, as `zwarm _finalize` does). Public and unsealed because
/// BenchmarkDotNet derives from it.
/// </summary>
[MemoryDiagnoser]
public class ParseBenchmarks
{
    /// <summary>Transcript path per agent, set by the harness before the run (the benchmarks run in process).</summary>
    internal static Dictionary<string, string> Files { get; } = [];

    private string _path = "";
    private IAgentAdapter _adapter = null!;

    [Params("codex", "claude")]
    public string Agent { get; set; } = "codex";

    [GlobalSetup]
    public void Setup()
    {
        _path = Files[Agent];
        _adapter = AgentRegistry.Default.Get(Agent);
    }

    /// <summary>The floor: every byte of the file into a 64 KiB buffer, nothing else.</summary>
    [Benchmark(Baseline = true)]
    public long Read()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            using var fs = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
            long total = 0;
            int n;
            while ((n = fs.Read(buffer, 0, buffer.Length)) > 0) total += n;
            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>zwarm's line reader feeding a parser that does nothing: the cost of framing.</summary>
    [Benchmark]
    public async Task<long> Lines()
    {
        var parser = new NullParser();
        await TurnReader.ParseFileAsync(_path, parser);
        return parser.Result.Lines;
    }

    /// <summary>The summary parse (replies, tool summaries, usage, ids): what a live view needs.</summary>
    [Benchmark]
    public async Task<long> Parse()
    {
        var parser = _adapter.CreateParser(collectTrajectory: false);
        await TurnReader.ParseFileAsync(_path, parser);
        return parser.Result.Lines;
    }

    /// <summary>The parse `zwarm _finalize` runs at the end of every turn: steps for the conversation, outputs dropped.</summary>
    [Benchmark]
    public async Task<long> ParseTrajectory()
    {
        var parser = new Zwarm.Core.Lifecycle.ConversationSteps(_adapter.CreateParser(collectTrajectory: true));
        await TurnReader.ParseFileAsync(_path, parser);
        return parser.Result.Lines;
    }
}

/// <summary>A parser that only counts lines.</summary>
internal sealed class NullParser : ITurnParser
{
    public TurnParseResult Result { get; } = new();

    public void Feed(ReadOnlySpan<byte> line) => Result.Lines++;
}
