using System.CommandLine;

namespace Zwarm.Cli.Commands;

/// <summary>Options several commands share.</summary>
internal static class Options
{
    public static Option<bool> Json() => new("--json") { Description = "print JSON (stable shape, meta.json field names)" };

    public static Argument<string> SessionId() => new("id") { Description = "session id or unique prefix (8 characters are shown)" };
}
