using Zwarm.Core.Text;

namespace Zwarm.Core.Sessions;

/// <summary>
/// The files of one turn in a session's folder, named once: the raw output Python zwarm also reads
/// (<c>turns/turn_N.jsonl</c>), the exit code the wrapper writes, and the marks of a remote turn's follower. The
/// shell scripts (the turn wrapper, the follower) get these paths as variables (<see cref="ShellVariables"/>), never
/// spelled out.
/// </summary>
public sealed record TurnFiles(string SessionDir, int Turn)
{
    /// <summary>The folder of a session's turn files.</summary>
    public const string TurnsDirName = "turns";

    /// <summary>The folder of every turn file of the session.</summary>
    public string TurnsDir => Path.Combine(SessionDir, TurnsDirName);

    /// <summary>The raw agent output (<c>turns/turn_N.jsonl</c>).</summary>
    public string Output => Path.Combine(TurnsDir, StoreLayout.TurnFileName(Turn));

    /// <summary>The exit code, written by the wrapper when the agent ends (<c>turns/turn_N.exit</c>).</summary>
    public string Exit => Path.Combine(TurnsDir, $"turn_{Turn}.exit");

    /// <summary>Where the exit code is written before it is renamed into place.</summary>
    public string ExitTemp => Path.Combine(TurnsDir, $".turn_{Turn}.exit.tmp");

    /// <summary>Since when a remote turn's follower has not reached its host (epoch seconds; absent while it has).</summary>
    public string HostLink => Path.Combine(TurnsDir, $".turn_{Turn}.link");

    /// <summary>Marks a remote turn whose process vanished on its host without an exit code.</summary>
    public string HostVanished => Path.Combine(TurnsDir, $".turn_{Turn}.vanished");

    /// <summary>The prefix of the follower's ssh logs (<c>.log</c>: its stderr; <c>.err</c>: the last call's).</summary>
    public string SshLogPrefix => Path.Combine(TurnsDir, $".turn_{Turn}.ssh");

    /// <summary>The lock that keeps a remote turn to one follower.</summary>
    public string FollowLock => Path.Combine(TurnsDir, $".turn_{Turn}.follow.lock");

    /// <summary>What the finaliser printed on stderr (<c>supervisor.log</c>).</summary>
    public string SupervisorLog => Path.Combine(SessionDir, "supervisor.log");

    /// <summary>The prefix of the finaliser slot locks, shared by every session of the store (<c>sessions/.finalize-</c>).</summary>
    public string FinalizeLockPrefix => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(SessionDir))!, ".finalize-");

    /// <summary>
    /// <c>name='path'</c> lines for a shell script: <c>out</c>, <c>code</c>, <c>code_tmp</c>, <c>link</c>,
    /// <c>vanished</c>, <c>sshlog</c>, <c>follow_lock</c>, <c>suplog</c>, <c>fin_lock</c>.
    /// </summary>
    public string ShellVariables()
        => $"""
            out={ShellWord.Quote(Output)}; code={ShellWord.Quote(Exit)}; code_tmp={ShellWord.Quote(ExitTemp)}
            link={ShellWord.Quote(HostLink)}; vanished={ShellWord.Quote(HostVanished)}
            sshlog={ShellWord.Quote(SshLogPrefix)}; follow_lock={ShellWord.Quote(FollowLock)}
            suplog={ShellWord.Quote(SupervisorLog)}; fin_lock={ShellWord.Quote(FinalizeLockPrefix)}

            """;
}
