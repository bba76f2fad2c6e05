namespace Zwarm.ScriptedModel;

/// <summary>Splits text into stream deltas the way a model would send them.</summary>
internal static class TextChunks
{
    /// <summary>One delta per word, each with the whitespace that follows it (leading whitespace stays with the first).</summary>
    public static IReadOnlyList<string> Words(string text)
    {
        var chunks = new List<string>();
        var start = 0;
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            while (i < text.Length && !char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            chunks.Add(text[start..i]);
            start = i;
        }

        return chunks;
    }

    /// <summary>Two halves (one piece when shorter than 2 chars), never splitting a surrogate pair.</summary>
    public static IReadOnlyList<string> Halves(string text)
    {
        if (text.Length < 2)
        {
            return [text];
        }

        var middle = text.Length / 2;
        if (char.IsHighSurrogate(text[middle - 1]))
        {
            middle++;
        }

        return middle >= text.Length ? [text] : [text[..middle], text[middle..]];
    }
}
