using System.Text;
using YamlDotNet.RepresentationModel;

namespace Zwarm.Core.Config;

/// <summary>
/// zwarm.yaml in the project folder (written by <c>zwarm init --with-project</c>): what the orchestrator and the pilot
/// should know about the project. Python zwarm documented this file but never read it; here it goes into their system prompt.
/// </summary>
public sealed record ProjectContext(string? Description, string? Context, IReadOnlyList<string> Constraints)
{
    /// <summary>The file name, in the project folder.</summary>
    public const string FileName = "zwarm.yaml";

    /// <summary>Keys Python zwarm wrote that mean nothing here (watchers are configured in config.toml).</summary>
    private static readonly string[] Ignored = ["watchers"];

    /// <summary>True when there is nothing to tell.</summary>
    public bool IsEmpty => string.IsNullOrWhiteSpace(Description) && string.IsNullOrWhiteSpace(Context) && Constraints.Count == 0;

    /// <summary>Reads the project's zwarm.yaml; null when there is none. A bad file is an error naming file, line and key.</summary>
    public static async Task<ProjectContext?> LoadAsync(string projectDir, CancellationToken ct = default)
    {
        var path = Path.Combine(projectDir, FileName);
        if (!File.Exists(path)) return null;
        return Parse(await File.ReadAllTextAsync(path, ct), path);
    }

    /// <summary>Parses the text of a zwarm.yaml.</summary>
    public static ProjectContext Parse(string text, string source)
    {
        var root = YamlFile.ParseMapping(text, source);
        string? description = null, context = null;
        var constraints = new List<string>();
        foreach (var (k, v) in root.Children)
        {
            var key = YamlFile.KeyOf(k);
            var where = $"{source}:{YamlFile.Line(k)}";
            switch (key)
            {
                case "description":
                    description = Text(v, where, key);
                    break;
                case "context":
                    context = Text(v, where, key);
                    break;
                case "constraints":
                    if (v is YamlSequenceNode seq)
                        constraints.AddRange(seq.Children
                            .Select(c => Text(c, $"{source}:{YamlFile.Line(c)}", key))
                            .OfType<string>()
                            .Where(c => c.Trim().Length > 0));
                    else if (Text(v, where, key) is { Length: > 0 } one) constraints.Add(one);
                    break;
                default:
                    if (Ignored.Contains(key)) break;
                    var hint = Spelling.Closest(key, ["description", "context", "constraints"]) is { } s ? $" (did you mean '{s}'?)" : "";
                    throw new ZwarmException($"{where}: unknown key '{key}'{hint}: zwarm.yaml holds description, context and constraints");
            }
        }
        return new ProjectContext(description, context, constraints);
    }

    private static string? Text(YamlNode node, string where, string key) => node switch
    {
        YamlScalarNode s => YamlFile.Scalar(s) is { } v
            ? Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)!.Trim()
            : null,
        _ => throw new ZwarmException($"{where}: bad value for '{key}': expected text, got a {YamlFile.Kind(node)}"),
    };

    /// <summary>The section of the system prompt that carries it.</summary>
    public string ToPrompt()
    {
        var sb = new StringBuilder("About this project (from zwarm.yaml, written by the user):\n");
        if (!string.IsNullOrWhiteSpace(Description)) sb.Append(Description.Trim()).Append('\n');
        if (!string.IsNullOrWhiteSpace(Context)) sb.Append('\n').Append(Context.Trim()).Append('\n');
        if (Constraints.Count > 0)
        {
            sb.Append("\nConstraints every session's task must respect (pass them on when you delegate):\n");
            foreach (var c in Constraints) sb.Append("- ").Append(c.Trim()).Append('\n');
        }
        return sb.ToString().TrimEnd();
    }

    /// <summary>What init --with-project writes.</summary>
    public const string Template = """
        # zwarm project context: zwarm orchestrate and zwarm pilot put this into their system prompt.
        # (Watchers are configured in .zwarm/config.toml.)

        # One line: what this project is.
        description: ""

        # What the orchestrator should know: tech stack, key directories, how to build and test, conventions.
        # Several lines:  context: |   then the lines indented below it.
        context: ""

        # Rules every delegated task must respect, one per item, e.g.
        #   - Never modify migration files directly
        #   - All new endpoints need tests
        constraints: []

        """;
}
