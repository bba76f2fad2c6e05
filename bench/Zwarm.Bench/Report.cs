using System.Globalization;
using System.Text;

namespace Zwarm.Bench;

/// <summary>One figure of the results table: a zwarm measurement, its same-run baseline and the ratio between them.</summary>
internal sealed record Figure(string Measure, string Value, string Baseline, double? Ratio, string Target, bool? Met);

/// <summary>One row of issue #14's targets: the figure on the build users get, its same-run baseline, met or missed.</summary>
internal sealed record TargetRow(int Order, string Measure, string Value, string Baseline, double? Ratio, string Target, bool Met);

/// <summary>One numbered part of the benchmark (the six of issue #8): its figures and notes.</summary>
internal sealed class Section(int number, string title)
{
    public int Number { get; } = number;

    public string Title { get; } = title;

    public List<Figure> Figures { get; } = [];

    public List<string> Notes { get; } = [];

    public TimeSpan Duration { get; set; }

    public string? Failure { get; set; }

    public void Add(string measure, string value, string baseline, double? ratio, string target = "", bool? met = null)
        => Figures.Add(new Figure(measure, value, baseline, ratio, target, met));

    /// <summary>Rows of the targets table this section measured.</summary>
    public List<TargetRow> Targets { get; } = [];

    public void Target(int order, string measure, string value, string baseline, double? ratio, string target, bool met)
        => Targets.Add(new TargetRow(order, measure, value, baseline, ratio, target, met));
}

/// <summary>Writes the Markdown results: one table of every figure, then the notes of each section.</summary>
internal static class Report
{
    public static string Markdown(IReadOnlyList<Section> sections, BenchOptions o, TimeSpan total, string machine)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"# zwarm benchmarks{(o.Quick ? " (quick mode: small sizes, figures not meaningful)" : "")}");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{machine}  ");
        sb.AppendLine(CultureInfo.InvariantCulture, $"Whole run: {total.TotalMinutes:0.0} min. Reproduce: `./bench/run`{(o.Quick ? " --quick" : "")}. Every ratio is zwarm ÷ a baseline measured in the same run, interleaved with it.");
        sb.AppendLine();
        sb.Append(Targets(sections, o));
        sb.AppendLine();
        sb.AppendLine("All figures:");
        sb.AppendLine();
        sb.AppendLine("| # | measure | zwarm | baseline | ratio | target | met |");
        sb.AppendLine("|---|---|---:|---:|---:|---|:-:|");
        foreach (var s in sections)
        {
            if (s.Failure is not null)
                sb.AppendLine(CultureInfo.InvariantCulture, $"| {s.Number} | {s.Title}: **failed** ({Cell(s.Failure)}) | | | | | ✗ |");
            foreach (var f in s.Figures)
            {
                var met = f.Met switch { true => "✓", false => "✗", null => "" };
                var ratio = f.Ratio is { } r ? $"{r.ToString(r < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture)}×" : "";
                sb.AppendLine(CultureInfo.InvariantCulture, $"| {s.Number} | {Cell(f.Measure)} | {Cell(f.Value)} | {Cell(f.Baseline)} | {ratio} | {Cell(f.Target)} | {met} |");
            }
        }
        foreach (var s in sections.Where(s => s.Notes.Count > 0))
        {
            sb.AppendLine();
            sb.AppendLine(CultureInfo.InvariantCulture, $"**{s.Number}. {s.Title}** ({s.Duration.TotalSeconds:0} s)");
            sb.AppendLine();
            foreach (var n in s.Notes) sb.AppendLine(CultureInfo.InvariantCulture, $"- {n}");
        }
        return sb.ToString();
    }

    /// <summary>The targets of issue #14 as one table (also the README's Performance section).</summary>
    public static string Targets(IReadOnlyList<Section> sections, BenchOptions o)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Targets (issue #14), measured on the build users get ({o.UserBuild.Label}); ratios against baselines of the same run:");
        sb.AppendLine();
        sb.AppendLine("| measure | zwarm | baseline | ratio | target | met |");
        sb.AppendLine("|---|---:|---:|---:|---|:-:|");
        foreach (var t in sections.SelectMany(s => s.Targets).OrderBy(t => t.Order))
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {Cell(t.Measure)} | {Cell(t.Value)} | {Cell(t.Baseline)} | {Ratio(t.Ratio)} | {Cell(t.Target)} | {(t.Met ? "met" : "missed")} |");
        foreach (var s in sections.Where(s => s.Failure is not null))
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {Cell(s.Title)}: **failed** ({Cell(s.Failure!)}) | | | | | missed |");
        return sb.ToString();
    }

    private static string Ratio(double? ratio) => ratio is { } r ? $"{r.ToString(r < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture)}×" : "";

    private static string Cell(string s) => s.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");

    public static string Ms(double ms) => ms >= 10_000 ? $"{ms / 1000:0.0} s" : ms >= 100 ? $"{ms:0} ms" : $"{ms:0.0} ms";

    public static string MiB(double bytes) => bytes >= 10 * 1048576.0 ? $"{bytes / 1048576:0} MiB" : $"{bytes / 1048576:0.0} MiB";

    public static string F(double v, string format = "0.0") => v.ToString(format, CultureInfo.InvariantCulture);
}
