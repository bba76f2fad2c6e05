using System.Globalization;
using System.Text;
using Zwarm.Core.Agents;

namespace Zwarm.Core.Config;

/// <summary>
/// The commented files `zwarm init` writes; config.toml is generated from <see cref="ConfigSchema"/> so it documents every key.
/// </summary>
public static class ConfigTemplates
{
    /// <summary>(file name, contents) of every file init writes.</summary>
    public static IEnumerable<(string Name, string Text)> All(AgentRegistry agents)
    {
        yield return ("config.toml", ConfigToml());
        foreach (var a in agents.Adapters.OrderBy(a => a.Name, StringComparer.Ordinal))
            yield return ($"{a.Name}.toml", a.TomlTemplate);
    }

    /// <summary>config.toml with every key commented out at its default, under its section.</summary>
    public static string ConfigToml()
    {
        var sb = new StringBuilder();
        sb.AppendLine("# zwarm settings. Every key is shown commented out at its default; uncomment to change.");
        sb.AppendLine("# Precedence: defaults < this file < --config FILE < --set key=value < environment (ZWARM_SECTION_KEY).");
        string? section = null;
        foreach (var k in ConfigSchema.Keys)
        {
            var dot = k.Key.LastIndexOf('.');
            var sec = dot < 0 ? k.Key : k.Key[..dot];
            var name = dot < 0 ? k.Key : k.Key[(dot + 1)..];
            if (k.Key == "hooks")
            {
                sb.AppendLine().AppendLine($"# {k.Help}");
                sb.AppendLine("# [[hooks]]")
                    .AppendLine("# on = [\"completed\", \"failed\", \"rate_limited\"]   # default: every finished status")
                    .AppendLine(
                        "# run = \"notify-send zwarm \\\"$ZWARM_SHORT_ID $ZWARM_STATUS\\\"\"   " +
                        "# or: url = \"http://127.0.0.1:9000/zwarm\", or: notify = true")
                    .AppendLine("# timeout = 30");
                continue;
            }
            if (k.Kind is ConfigKind.TableList)
            {
                sb.AppendLine().AppendLine($"# {k.Help}");
                sb.AppendLine($"# [[{k.Key}]]")
                    .AppendLine("# name = \"progress\"")
                    .AppendLine("# enabled = true")
                    .AppendLine("# config = { }");
                continue;
            }
            if (k.Kind is ConfigKind.Table)
            {
                sb.AppendLine().AppendLine($"# {k.Help}")
                    .AppendLine($"# [{k.Key}.\"my-model\"]")
                    .AppendLine("# input = 1.25")
                    .AppendLine("# output = 10.0")
                    .AppendLine("# cached_input = 0.125");
                continue;
            }
            if (sec != section)
            {
                sb.AppendLine().AppendLine($"[{sec}]");
                section = sec;
            }
            sb.AppendLine($"# {k.Help}");
            sb.AppendLine($"# {name} = {Render(k)}");
        }
        return sb.ToString();
    }

    private static string Render(ConfigKey k) => k.Default switch
    {
        null => k.Kind == ConfigKind.String ? "\"\"" : "0",
        string s => $"\"{s}\"",
        bool b => b ? "true" : "false",
        double d => d.ToString("0.0##", CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        string[] a => "[" + string.Join(", ", a.Select(x => $"\"{x}\"")) + "]",
        _ => "",
    };
}
