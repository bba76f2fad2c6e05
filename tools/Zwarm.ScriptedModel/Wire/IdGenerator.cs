using System.Collections.Concurrent;

namespace Zwarm.ScriptedModel;

/// <summary>Per-prefix counters for generated ids: <c>resp_1</c>, <c>msg_1</c>, <c>call_1</c>, <c>toolu_1</c>, ….</summary>
internal sealed class IdGenerator
{
    private readonly ConcurrentDictionary<string, int> _counters = new();

    public int Next(string prefix) => _counters.AddOrUpdate(prefix, 1, (_, n) => n + 1);

    public string NextId(string prefix, string separator = "_") => $"{prefix}{separator}{Next(prefix)}";
}
