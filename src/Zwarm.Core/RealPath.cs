namespace Zwarm.Core;

/// <summary>A path with every symbolic link in it resolved (like realpath(3)); components that do not exist are kept as written.</summary>
public static class RealPath
{
    /// <summary>The real absolute path of <paramref name="path"/>.</summary>
    public static string Resolve(string path) => Resolve(path, depth: 0);

    private static string Resolve(string path, int depth)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full) ?? "/";
        var current = root;
        var parts = full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            var next = Path.Combine(current, parts[i]);
            var info = new FileInfo(next);
            if (info.LinkTarget is not null && depth < 40)
            {
                // The target of a link may itself sit under links: resolve it as a whole again.
                var target = Path.IsPathRooted(info.LinkTarget) ? info.LinkTarget : Path.Combine(current, info.LinkTarget);
                current = Resolve(target, depth + 1);
                continue;
            }
            if (!info.Exists && !Directory.Exists(next)) return Path.Combine([current, .. parts[i..]]);
            current = next;
        }
        return current;
    }
}
