using System.CommandLine;

namespace Zwarm.Cli.Commands;

/// <summary>Every verb, one file each.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> All(CliHost host) =>
    [
        InitCommand.Create(host),
        SpawnCommand.Create(host),
        LsCommand.Create(host),
        KillCommand.Create(host),
        WaitCommand.Create(host),
        FinalizeCommand.Create(host),
    ];
}
