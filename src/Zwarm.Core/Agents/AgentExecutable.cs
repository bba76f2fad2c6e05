namespace Zwarm.Core.Agents;

/// <summary>Finds an agent CLI: configured path, else PATH, else a local npm install (node_modules/.bin).</summary>
public static class AgentExecutable
{
    /// <summary>Resolves the executable or throws a clear error naming how to install it.</summary>
    public static string Resolve(string name, string? configured, string projectDir, string npmPackage)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var full = Path.IsPathRooted(configured) ? configured : Path.GetFullPath(Path.Combine(projectDir, configured));
            if (File.Exists(full)) return full;
            var onPath = FindOnPath(configured);
            if (onPath is not null) return onPath;
            throw new ZwarmException($"{name} executable not found at '{configured}' (adapters.{name}.command)");
        }
        var found = FindOnPath(name);
        if (found is not null) return found;
        foreach (var dir in CandidateDirs(projectDir))
        {
            var candidate = Path.Combine(dir, "node_modules", ".bin", name);
            if (File.Exists(candidate)) return candidate;
        }
        throw new ZwarmException(
            $"{name} not found: install it with 'npm install -g {npmPackage}' or set adapters.{name}.command in .zwarm/config.toml");
    }

    private static IEnumerable<string> CandidateDirs(string projectDir)
    {
        yield return projectDir;
        var env = Environment.GetEnvironmentVariable("ZWARM_AGENTS_DIR");
        if (!string.IsNullOrEmpty(env)) yield return env;
        // A local install next to zwarm itself (the repo's ./zwarm script installs agents there).
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            yield return dir.FullName;
    }

    /// <summary>The full path of an executable on PATH, or null.</summary>
    public static string? FindOnPath(string name)
    {
        if (name.Contains('/')) return File.Exists(name) ? Path.GetFullPath(name) : null;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var p = Path.Combine(dir, name);
            if (File.Exists(p)) return p;
        }
        return null;
    }
}
