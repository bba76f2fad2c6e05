using System.CommandLine;

namespace Zwarm.Cli.Commands;

/// <summary>Options several commands share.</summary>
internal static class Options
{
    public static Option<bool> Json() => new("--json") { Description = "print JSON (stable shape, meta.json field names)" };

    public static Argument<string> SessionId() => new("id") { Description = "session id or unique prefix (8 characters are shown)" };

    /// <summary>Python zwarm's --working-dir/-w: run the command as if started in that folder.</summary>
    public static ProjectDirOption WorkingDir(bool mayCreate = false) => new("--working-dir", "-w") { MayCreate = mayCreate };

    /// <summary>Python zwarm's --dir/-d on `sessions`, `session …` and `interactive`: the same as --working-dir.</summary>
    public static ProjectDirOption Dir() => new("--dir", "-d");

    /// <summary>Python zwarm's --verbose/-v on orchestrate and pilot: the same as the global --verbose.</summary>
    public static Option<bool> Verbose() =>
        new("--verbose", "-v") { Description = "show stack traces of errors (as the global --verbose)" };
}

/// <summary>
/// A folder to run the command in, as if zwarm had been started there: its .zwarm/ is the store and the default working
/// directory of new sessions (Python zwarm's --working-dir/-w and --dir/-d). Applied by <see cref="CliApp"/> around the command.
/// </summary>
internal sealed class ProjectDirOption : Option<string?>
{
    public ProjectDirOption(string name, params string[] aliases) : base(name, aliases)
    {
        Description = "run as if started in this folder: its .zwarm/ is used (Python zwarm's spelling; default: the current folder)";
    }

    /// <summary>True when the folder may be missing (init creates it).</summary>
    public bool MayCreate { get; init; }
}
