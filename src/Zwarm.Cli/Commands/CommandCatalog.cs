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
        PeekCommand.Create(host),
        ShowCommand.Create(host),
        TrajCommand.Create(host),
        LogsCommand.Create(host),
        WatchCommand.Create(host),
        ContinueCommand.Create(host),
        KillCommand.Create(host),
        RmCommand.Create(host),
        CleanCommand.Create(host),
        WaitCommand.Create(host),
        DiffCommand.Create(host),
        MergeCommand.Create(host),
        DiscardCommand.Create(host),
        ForkCommand.Create(host),
        ReviewCommand.Create(host),
        ConflictsCommand.Create(host),
        OrphansCommand.Create(host),
        ModelsCommand.Create(host),
        HostsCommand.Create(host),
        InteractiveCommand.Create(host),
        FinalizeCommand.Create(host),
        OrchestrateCommand.Create(host),
        PilotCommand.Create(host),
        InstancesCommand.Create(host),
        HistoryCommand.Create(host),
        ResetCommand.Create(host),
        EventsCommand.Create(host),
        HooksCommand.Create(host),
        HooksCommand.CreateRunner(host),
        PumpCommand.Create(host),
        McpCommand.Create(host),
        StatusCommand.Create(host),
        ConfigsCommand.Create(host),
        // Python zwarm's spellings (README: Coming from Python zwarm).
        SpawnCommand.Create(host, SpawnCommand.Form.Exec),
        SessionsCommand.Create(host),
        SessionCommand.Create(host),
    ];
}
