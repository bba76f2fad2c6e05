using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Zwarm.Cli.Rendering;
using Zwarm.Core.Agents;
using Zwarm.Core.Config;
using Zwarm.Core;
using Zwarm.Cli.Json;

namespace Zwarm.Cli.Commands;

/// <summary>zwarm models [--json]: the model registry: canonical names, adapters, aliases, prices (USD per million tokens).</summary>
internal static class ModelsCommand
{
    public static Command Create(CliHost host)
    {
        var json = Options.Json();
        var cmd = new Command("models", "known models: name, adapter, aliases, prices per million tokens") { json };
        cmd.SetAction(async (pr, ct) =>
        {
            var config = await host.ConfigAsync(ct);
            var rows = Rows(host.Agents, config);
            if (pr.GetValue(json))
            {
                JsonOut.Write(host.Out,
                    [
                        .. rows.Select(r => new ModelJson(
                            r.Info.Name, r.Info.Adapter.Length == 0 ? null : r.Info.Adapter, r.Info.Aliases, r.IsDefault,
                            r.Info.Description, new PriceJson(r.Price.Input, r.Price.Output, r.Price.CachedInput))),
                    ],
                    CliJsonContext.Default.ListModelJson);
                return ExitCodes.Success;
            }
            var table = new Table().Border(TableBorder.Simple);
            foreach (var h in new[] { "MODEL", "ADAPTER", "ALIASES", "INPUT $/M", "OUTPUT $/M", "CACHED $/M", "" }) table.AddColumn(h);
            foreach (var (info, price, isDefault) in rows)
                table.AddRow(
                    isDefault ? $"[bold]{Term.Escape(info.Name)}[/]" : Term.Escape(info.Name),
                    Term.Escape(info.Adapter.Length == 0 ? "-" : info.Adapter),
                    Term.Escape(Aliases(info.Aliases)), Usd(price.Input), Usd(price.Output), Usd(price.CachedInput),
                    isDefault ? "default" : "");
            host.Console.Write(table);
            host.Console.MarkupLine(
                "[grey]prices in USD per million tokens; extend or override them in .zwarm/config.toml under [[pricing.\"model\"]][/]");
            return ExitCodes.Success;
        });
        return cmd;
    }

    /// <summary>Registry models with config price overrides applied, then models priced only in config.</summary>
    private static List<(ModelInfo Info, ModelPrice Price, bool IsDefault)> Rows(AgentRegistry agents, ZwarmConfig config)
    {
        var rows = new List<(ModelInfo, ModelPrice, bool)>();
        foreach (var m in agents.Models.All)
        {
            var isDefault = agents.TryGet(m.Adapter, out var a) && a.DefaultModel.Equals(m.Name, StringComparison.OrdinalIgnoreCase);
            rows.Add((m, agents.Models.PriceOf(m.Name, config.Prices) ?? m.Price, isDefault));
        }
        foreach (var (name, price) in config.Prices)
            if (agents.Models.Find(name) is null)
                rows.Add((new ModelInfo(name, "", [], price, "priced in config"), price, false));
        return rows;
    }

    // The table shows the shortest aliases (what people type); --json has them all.
    private static string Aliases(IReadOnlyList<string> aliases)
    {
        const int Shown = 3;
        var shortest = aliases.OrderBy(a => a.Length).ThenBy(a => a, StringComparer.Ordinal).Take(Shown);
        return string.Join(", ", shortest) + (aliases.Count > Shown ? $" (+{aliases.Count - Shown})" : "");
    }

    private static string Usd(double v) => v.ToString("0.00##", CultureInfo.InvariantCulture);
}
