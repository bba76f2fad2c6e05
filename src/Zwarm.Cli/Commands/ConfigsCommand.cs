using Zwarm.Core.Sessions;
using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Tomlyn.Model;
using Zwarm.Cli.Rendering;
using Zwarm.Core;
using Zwarm.Core.Config;
using Zwarm.Cli.Json;

namespace Zwarm.Cli.Commands;

/// <summary>
/// zwarm configs list [--dir D] | show FILE: Python zwarm's experiment configs (YAML with extends:, or TOML) for --config/-c.
/// </summary>
internal static class ConfigsCommand
{
    public static Command Create(CliHost host)
    {
        var cmd = new Command("configs", "experiment configs for --config/-c: list the YAML files here, show one resolved");
        cmd.Subcommands.Add(List(host));
        cmd.Subcommands.Add(Show(host));
        return cmd;
    }

    private static Command List(CliHost host)
    {
        var dir = new Option<string?>("--dir", "-d") { Description = "also search this folder (default: the project folder)" };
        var json = Options.Json();
        var cmd = new Command(
            "list", "YAML configs in the project folder (or --dir), configs/ and .zwarm/, and the config.toml that is always loaded")
        {
            dir, json,
        };
        cmd.SetAction((pr, ct) =>
        {
            var first = pr.GetValue(dir) is { } d ? Path.GetFullPath(d, host.ProjectDir) : host.ProjectDir;
            if (!Directory.Exists(first)) throw new ZwarmException($"--dir {pr.GetValue(dir)}: no such folder", ExitCodes.Usage);
            var found = new[] { first, Path.Combine(host.ProjectDir, "configs"), host.ZwarmDir }
                .Distinct(StringComparer.Ordinal)
                .Where(Directory.Exists)
                .SelectMany(f => Directory.EnumerateFiles(f).Where(ExperimentConfig.IsYaml).Order(StringComparer.Ordinal))
                .Select(f => Path.GetRelativePath(host.ProjectDir, f))
                .ToList();
            var toml = host.Layout.ConfigFile;
            var tomlShown = File.Exists(toml) ? Path.GetRelativePath(host.ProjectDir, toml) : null;
            if (pr.GetValue(json))
            {
                JsonOut.Write(host.Out, new ConfigsJson(found, tomlShown), CliJsonContext.Default.ConfigsJson);
                return Task.FromResult(0);
            }
            if (found.Count == 0)
                host.Out.WriteLine("no YAML configs (looked in ., configs/ and .zwarm/); use one with: zwarm orchestrate -c FILE");
            foreach (var f in found) host.Out.WriteLine(f);
            host.Out.WriteLine(tomlShown is null
                ? "no .zwarm/config.toml (defaults apply; zwarm init writes one)"
                : $"always loaded: {tomlShown}");
            return Task.FromResult(0);
        });
        return cmd;
    }

    private static Command Show(CliHost host)
    {
        var file = new Argument<string>("file") { Description = "a YAML (extends: resolved) or TOML config" };
        var cmd = new Command(
            "show",
            "the effective configuration with FILE as --config, as JSON (defaults < .zwarm/config.toml < FILE < --set < environment)")
        {
            file,
        };
        cmd.SetAction(async (pr, ct) =>
        {
            var path = pr.GetValue(file)!;
            var config = await ConfigLoader.LoadAsync(host.ZwarmDir, path, host.Sets, null, ct);
            JsonOut.Write(host.Out, ToJson(config), CliJsonContext.Default.JsonObject);
            return ExitCodes.Success;
        });
        return cmd;
    }

    /// <summary>The effective values as nested sections ("executor.model" → {"executor": {"model": …}}).</summary>
    internal static JsonObject ToJson(ZwarmConfig config)
    {
        var root = new JsonObject();
        foreach (var (key, value) in config.Entries)
        {
            // A model name under pricing may hold dots (pricing.gpt-5.1-codex.input).
            var parts = key.StartsWith("pricing.", StringComparison.Ordinal) && key.LastIndexOf('.') > "pricing.".Length
                ? ["pricing", key["pricing.".Length..key.LastIndexOf('.')], key[(key.LastIndexOf('.') + 1)..]]
                : key.Split('.');
            var node = root;
            foreach (var p in parts[..^1])
            {
                if (node[p] is not JsonObject next) node[p] = next = new JsonObject();
                node = next;
            }
            node[parts[^1]] = Value(value);
        }
        return root;
    }

    private static JsonNode? Value(object? v) => v switch
    {
        null => null,
        string s => s,
        bool b => b,
        long l => l,
        int i => i,
        double d => d,
        string[] a => new JsonArray([.. a.Select(x => (JsonNode)x)]),
        TomlTableArray ta => new JsonArray([.. ta.Select(t => (JsonNode)Table(t))]),
        TomlArray a => new JsonArray([.. a.Select(Value)]),
        TomlTable t => Table(t),
        _ => Convert.ToString(v, CultureInfo.InvariantCulture),
    };

    private static JsonObject Table(TomlTable t)
    {
        var o = new JsonObject();
        foreach (var (k, v) in t) o[k] = Value(v);
        return o;
    }
}
