namespace Zwarm.Core.Tests.Integration;

/// <summary>
/// Every test that starts a real agent CLI. They change the process environment (HOME, keys, base URLs) that the
/// agents inherit, so they run one at a time, after the parallel collections.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RealAgentsCollection
{
    public const string Name = "real-agents";
}
