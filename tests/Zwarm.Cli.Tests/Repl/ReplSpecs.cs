namespace Zwarm.Cli.Tests.Repl;

/// <summary>
/// Every REPL spec runs in this collection, alone and after the parallel specs: the REPL specs start many processes,
/// and other specs time live agents (a step must show while the agent still runs), which extra load on a small
/// machine turns into flakes.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReplSpecs
{
    /// <summary>The collection's name.</summary>
    public const string Name = "REPL specs";
}
