namespace Zwarm.Cli.Repl;

/// <summary>
/// The REPL's line history: bounded, no blank lines, no repeat of the previous line. Persisted by appending to a
/// file (.zwarm/history) once its folder exists; the file is cut back to the newest lines when it grows to twice the bound.
/// </summary>
internal sealed class History
{
    private readonly List<string> _entries = [];
    private readonly List<string> _unsaved = [];
    private readonly string? _path;
    private int _fileLines;

    /// <summary>An empty history kept in memory, or persisted to <paramref name="path"/>.</summary>
    public History(int capacity = 1000, string? path = null)
    {
        Capacity = Math.Max(1, capacity);
        _path = path;
    }

    /// <summary>Most lines kept.</summary>
    public int Capacity { get; }

    /// <summary>The lines, oldest first.</summary>
    public IReadOnlyList<string> Entries => _entries;

    /// <summary>Reads the history file (missing or unreadable = empty).</summary>
    public static async Task<History> LoadAsync(string path, int capacity, CancellationToken ct)
    {
        var history = new History(capacity, path);
        try
        {
            var lines = File.Exists(path) ? await File.ReadAllLinesAsync(path, ct) : [];
            history._fileLines = lines.Length;
            foreach (var line in lines) history.Remember(line);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A history that cannot be read must not keep the REPL from starting.
        }
        return history;
    }

    /// <summary>Adds a line (and appends it to the file when there is one).</summary>
    public async Task AddAsync(string line, CancellationToken ct)
    {
        if (!Remember(line) || _path is null) return;
        _unsaved.Add(line.TrimEnd());
        if (_unsaved.Count > Capacity) _unsaved.RemoveAt(0);
        if (!Directory.Exists(Path.GetDirectoryName(_path))) return;
        try
        {
            await File.AppendAllLinesAsync(_path, _unsaved, ct);
            _fileLines += _unsaved.Count;
            _unsaved.Clear();
            if (_fileLines > 2 * Capacity) await TrimFileAsync(_path, ct);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Losing a history line is better than failing the command the user just typed.
        }
    }

    private bool Remember(string line)
    {
        line = line.TrimEnd();
        if (line.Trim().Length == 0 || (_entries.Count > 0 && _entries[^1] == line)) return false;
        _entries.Add(line);
        if (_entries.Count > Capacity) _entries.RemoveAt(0);
        return true;
    }

    private async Task TrimFileAsync(string path, CancellationToken ct)
    {
        // Re-read: another REPL on the same project may have appended meanwhile.
        var lines = await File.ReadAllLinesAsync(path, ct);
        var keep = lines.Skip(Math.Max(0, lines.Length - Capacity)).ToArray();
        var temp = path + "." + Environment.ProcessId + ".tmp";
        await File.WriteAllLinesAsync(temp, keep, ct);
        File.Move(temp, path, overwrite: true);
        _fileLines = keep.Length;
    }
}
