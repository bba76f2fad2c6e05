using System.Text;

namespace Zwarm.Cli.Rendering;

/// <summary>Text an agent wrote, made safe for a terminal: control characters other than newline and tab become visible escapes.</summary>
internal static class TerminalText
{
    /// <summary>Replaces ESC, CR, BEL and other control characters with \xNN so agent output cannot drive the terminal.</summary>
    public static string Safe(string text)
    {
        if (!text.Any(c => char.IsControl(c) && c is not '\n' and not '\t')) return text;
        var sb = new StringBuilder(text.Length + 16);
        foreach (var c in text)
            sb.Append(char.IsControl(c) && c is not '\n' and not '\t' ? $"\\x{(int)c:x2}" : c.ToString());
        return sb.ToString();
    }
}
