namespace Zwarm.TestSupport;

/// <summary>A fresh folder under the temp directory, deleted (best effort) when disposed.</summary>
public sealed class TempDir : IDisposable
{
    /// <summary>Creates <c>$TMPDIR/&lt;prefix&gt;&lt;12 hex&gt;</c>.</summary>
    public TempDir(string prefix = "zwarm-test-")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    /// <summary>The folder.</summary>
    public string Path { get; }

    /// <summary>Its .zwarm store folder (not created).</summary>
    public string Zwarm => System.IO.Path.Combine(Path, ".zwarm");

    /// <summary>A path inside the folder.</summary>
    public string File(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <inheritdoc/>
    public void Dispose() => Delete(Path);

    /// <summary>Deletes a folder tree, ignoring what cannot be deleted (a process may still hold a file).</summary>
    public static void Delete(string path)
    {
        try { Directory.Delete(path, recursive: true); }
        catch (DirectoryNotFoundException) { }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
