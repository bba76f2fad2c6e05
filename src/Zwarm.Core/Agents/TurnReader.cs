using System.Buffers;

namespace Zwarm.Core.Agents;

/// <summary>Feeds a turn file to a parser line by line with a pooled buffer: no whole-file reads.</summary>
public static class TurnReader
{
    /// <summary>
    /// Parses <paramref name="path"/> (missing file = no lines) from <paramref name="offset"/>; returns the offset after the last complete
    /// line.
    /// </summary>
    public static async Task<long> FeedFileAsync(string path, ITurnParser parser, long offset = 0, CancellationToken ct = default)
    {
        if (!File.Exists(path)) return offset;
        await using var fs = new FileStream(
            path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1,
            FileOptions.SequentialScan | FileOptions.Asynchronous);
        fs.Seek(offset, SeekOrigin.Begin);
        return offset + await FeedStreamAsync(fs, parser, finalPartialLine: false, ct);
    }

    /// <summary>Parses a whole finished file, including a last line without newline.</summary>
    public static Task ParseFileAsync(string path, ITurnParser parser, CancellationToken ct = default)
        => ParseFileAsync(path, parser, null, ct);

    /// <summary>
    /// Parses a whole finished file, including a last line without newline; stops early once <paramref name="stopWhen"/> holds.
    /// </summary>
    public static async Task ParseFileAsync(string path, ITurnParser parser, Func<bool>? stopWhen, CancellationToken ct = default)
    {
        if (!File.Exists(path)) return;
        await using var fs = new FileStream(
            path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1,
            FileOptions.SequentialScan | FileOptions.Asynchronous);
        await FeedStreamAsync(fs, parser, finalPartialLine: true, stopWhen, ct);
    }

    /// <summary>Feeds every line of a stream; returns the number of bytes consumed as complete lines.</summary>
    public static Task<long> FeedStreamAsync(Stream stream, ITurnParser parser, bool finalPartialLine, CancellationToken ct = default)
        => FeedStreamAsync(stream, parser, finalPartialLine, null, ct);

    /// <summary>
    /// Feeds every line of a stream (until <paramref name="stopWhen"/> holds); returns the number of bytes consumed as complete lines.
    /// </summary>
    public static async Task<long> FeedStreamAsync(
        Stream stream, ITurnParser parser, bool finalPartialLine, Func<bool>? stopWhen, CancellationToken ct = default)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        var start = 0;
        var end = 0;
        long consumed = 0;
        try
        {
            while (true)
            {
                if (end == buffer.Length)
                {
                    if (start > 0)
                    {
                        Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                        end -= start;
                        start = 0;
                    }
                    else
                    {
                        // One line longer than the buffer: grow it.
                        var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        Buffer.BlockCopy(buffer, 0, bigger, 0, end);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = bigger;
                    }
                }
                var read = await stream.ReadAsync(buffer.AsMemory(end), ct);
                if (read == 0) break;
                var scanFrom = end;
                end += read;
                while (true)
                {
                    var nl = Array.IndexOf(buffer, (byte)'\n', scanFrom, end - scanFrom);
                    if (nl < 0) break;
                    FeedLine(parser, buffer.AsSpan(start, nl - start));
                    consumed += nl - start + 1;
                    start = nl + 1;
                    scanFrom = start;
                    if (stopWhen?.Invoke() == true) return consumed;
                }
                if (start == end) start = end = 0;
            }
            if (finalPartialLine && end > start)
            {
                FeedLine(parser, buffer.AsSpan(start, end - start));
                consumed += end - start;
            }
            return consumed;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void FeedLine(ITurnParser parser, ReadOnlySpan<byte> line)
    {
        if (line.Length > 0 && line[^1] == (byte)'\r') line = line[..^1];
        if (line.IsEmpty || line.IndexOfAnyExcept((byte)' ', (byte)'\t') < 0) return;
        parser.Feed(line);
    }
}
