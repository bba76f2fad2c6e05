using System.Text;

namespace Zwarm.Cli.Repl;

/// <summary>A word of a REPL line, with where it starts and ends in the line.</summary>
internal readonly record struct Token(string Value, int Start, int End, bool Quoted);

/// <summary>A line that cannot be split: an unterminated quote or a trailing backslash.</summary>
internal sealed class TokenizeException(string message) : Exception(message);

/// <summary>
/// Splits a REPL line the way a POSIX shell does: blanks separate words; '…' is literal; "…" is literal except
/// \" \\ \$ \`; outside quotes a backslash escapes the next character; an unquoted # starting a word starts a comment.
/// </summary>
internal static class Tokenizer
{
    /// <summary>The words of a line; throws <see cref="TokenizeException"/> for an unterminated quote.</summary>
    public static List<string> Split(string line) => Scan(line, lenient: false).Select(t => t.Value).ToList();

    /// <summary>
    /// The words of a line whose words are free text (a task, a message): a word that does not start with a quote is taken
    /// literally — an apostrophe, a backslash or a # inside it is just a character (<c>c 3f2b it's broken</c>); a word that
    /// starts with a quote is quoted as in a shell.
    /// </summary>
    public static List<string> SplitLiteral(string line) => Scan(line, lenient: false, literal: true).Select(t => t.Value).ToList();

    /// <summary>The tokens with positions; <paramref name="lenient"/> lets an open quote run to the end (for completion).</summary>
    public static List<Token> Scan(string line, bool lenient, bool literal = false)
    {
        var tokens = new List<Token>();
        var word = new StringBuilder();
        var i = 0;
        while (true)
        {
            while (i < line.Length && char.IsWhiteSpace(line[i])) i++;
            if (i >= line.Length || (line[i] == '#' && !literal)) return tokens;
            var start = i;
            var quoted = false;
            word.Clear();
            if (literal && line[i] is not ('\'' or '"'))
            {
                while (i < line.Length && !char.IsWhiteSpace(line[i])) word.Append(line[i++]);
                tokens.Add(new Token(word.ToString(), start, i, false));
                continue;
            }
            while (i < line.Length && !char.IsWhiteSpace(line[i]))
            {
                var c = line[i];
                if (c == '\'')
                {
                    quoted = true;
                    var close = line.IndexOf('\'', i + 1);
                    if (close < 0 && !lenient) throw new TokenizeException("unterminated ' quote");
                    var end = close < 0 ? line.Length : close;
                    word.Append(line, i + 1, end - i - 1);
                    i = Math.Min(line.Length, end + 1);
                }
                else if (c == '"')
                {
                    quoted = true;
                    i = DoubleQuoted(line, i + 1, word, lenient);
                }
                else if (c == '\\')
                {
                    if (i + 1 >= line.Length)
                    {
                        if (!lenient) throw new TokenizeException("a backslash ends the line");
                        i++;
                        break;
                    }
                    word.Append(line[i + 1]);
                    i += 2;
                }
                else
                {
                    word.Append(c);
                    i++;
                }
            }
            tokens.Add(new Token(word.ToString(), start, i, quoted));
        }
    }

    private static int DoubleQuoted(string line, int i, StringBuilder word, bool lenient)
    {
        while (i < line.Length)
        {
            var c = line[i];
            if (c == '"') return i + 1;
            if (c == '\\' && i + 1 < line.Length && line[i + 1] is '"' or '\\' or '$' or '`')
            {
                word.Append(line[i + 1]);
                i += 2;
                continue;
            }
            word.Append(c);
            i++;
        }
        return lenient ? i : throw new TokenizeException("unterminated \" quote");
    }
}
