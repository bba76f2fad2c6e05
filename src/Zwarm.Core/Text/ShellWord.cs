namespace Zwarm.Core.Text;

/// <summary>Text for a POSIX shell: the one quoting rule (the turn wrapper's variables, every ssh command line).</summary>
public static class ShellWord
{
    /// <summary><paramref name="s"/> as one single-quoted word: the shell sees exactly these characters.</summary>
    public static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
