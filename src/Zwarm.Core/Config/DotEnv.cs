namespace Zwarm.Core.Config;

/// <summary>Reads a project's .env file (KEY=VALUE lines, # comments, optional quotes, optional 'export ').</summary>
public static class DotEnv
{
    /// <summary>Parses .env text into variables.</summary>
    public static Dictionary<string, string> Parse(string text)
    {
        var vars = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            if (line.StartsWith("export ", StringComparison.Ordinal)) line = line[7..].TrimStart();
            var eq = line.IndexOf('=');
            if (eq <= 0) continue;
            var key = line[..eq].Trim();
            var value = line[(eq + 1)..].Trim();
            if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0]) value = value[1..^1];
            vars[key] = value;
        }
        return vars;
    }

    /// <summary>Sets the variables of <paramref name="path"/> that the environment does not already have.</summary>
    public static void LoadInto(string path)
    {
        if (!File.Exists(path)) return;
        foreach (var (k, v) in Parse(File.ReadAllText(path)))
            if (Environment.GetEnvironmentVariable(k) is null) Environment.SetEnvironmentVariable(k, v);
    }
}
