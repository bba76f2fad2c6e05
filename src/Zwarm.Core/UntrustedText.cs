using System.Text;

namespace Zwarm.Core;

/// <summary>
/// Agent output (replies, commands, outputs, errors) and tasks are untrusted text: before they reach a terminal, control
/// characters become visible symbols, so an escape sequence cannot clear the screen, set the title or write the clipboard.
/// ESC is shown as ␛ (<c>\e[2J</c> → <c>␛[2J</c>), other C0 controls as their Control Pictures (␇, ␈, ␍ …), DEL as ␡,
/// a C1 control as the ␛ sequence it stands for (CSI U+009B → <c>␛[</c>), and bidirectional overrides as <c>⟨U+202E⟩</c>.
/// Newline and tab are kept; CRLF becomes a newline.
/// </summary>
public static class UntrustedText
{
    /// <summary>True when <paramref name="c"/> would change the terminal rather than print.</summary>
    public static bool IsUnsafe(char c) => c switch
    {
        '\n' or '\t' => false,
        < ' ' or '\u007f' => true,
        >= '\u0080' and <= '\u009f' => true,
        '\u061c' or '\u200e' or '\u200f' or (>= '\u202a' and <= '\u202e') or (>= '\u2066' and <= '\u2069') => true,
        _ => false,
    };

    /// <summary><paramref name="text"/> with every control character made visible.</summary>
    public static string Visible(string? text)
    {
        if (string.IsNullOrEmpty(text)) return text ?? "";
        var i = 0;
        while (i < text.Length && !IsUnsafe(text[i])) i++;
        if (i == text.Length) return text;
        var sb = new StringBuilder(text.Length + 16).Append(text, 0, i);
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (!IsUnsafe(c)) sb.Append(c);
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') continue;
            else Append(sb, c);
        }
        return sb.ToString();
    }

    /// <summary>Appends the visible form of one unsafe character.</summary>
    public static void Append(StringBuilder sb, char c)
    {
        if (c < ' ') sb.Append((char)('\u2400' + c));
        else if (c == '\u007f') sb.Append('\u2421');
        else if (c is >= '\u0080' and <= '\u009f') sb.Append('\u241b').Append((char)(c - 0x40));
        else sb.Append("⟨U+").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture)).Append('⟩');
    }
}
