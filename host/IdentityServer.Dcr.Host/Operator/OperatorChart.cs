// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Globalization;
using System.Text;
using IdentityServer.Dcr.EntityFramework.Stores;

namespace IdentityServer.Dcr.Host.Operator;

/// <summary>
/// A bar chart of registrations created and attempts refused per day, as inline SVG (no script, no inline style: the
/// colours are classes of the area's stylesheet). It has a title and a description for assistive technology; the page
/// puts the same numbers in a table next to it.
/// </summary>
internal static class OperatorChart
{
    private const int Slot = 46;
    private const int Left = 40;
    private const int Top = 16;
    private const int PlotHeight = 160;
    private const int BarWidth = 15;

    /// <summary>The SVG of <paramref name="days"/>, oldest first.</summary>
    /// <param name="days">One entry per day.</param>
    /// <returns>The <c>svg</c> element.</returns>
    public static string Render(IReadOnlyList<DcrAuditActivity> days)
    {
        var width = Left + (days.Count * Slot) + 10;
        var height = Top + PlotHeight + 40;
        var bottom = Top + PlotHeight;
        var max = Math.Max(1, days.Count == 0 ? 0 : days.Max(d => Math.Max(d.Created, d.Refused)));
        var created = days.Sum(d => d.Created);
        var refused = days.Sum(d => d.Refused);
        var svg = new StringBuilder(8192);
        svg.Append(
            CultureInfo.InvariantCulture,
            $"<svg id=\"activity-chart\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
            + $"aria-labelledby=\"chart-title chart-desc\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" "
            + $"height=\"{height}\" data-days=\"{days.Count}\">")
            .Append("<title id=\"chart-title\">Registrations created and attempts refused per day</title>")
            .Append(
                CultureInfo.InvariantCulture,
                $"<desc id=\"chart-desc\">{days.Count} days: {created} created, {refused} refused in all. The table below lists each day.</desc>")
            .Append(
                CultureInfo.InvariantCulture,
                $"<line class=\"axis\" x1=\"{Left}\" y1=\"{bottom}\" x2=\"{width - 5}\" y2=\"{bottom}\" stroke=\"#555\"/>")
            .Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{bottom}\" stroke=\"#555\"/>")
            .Append(CultureInfo.InvariantCulture, $"<text class=\"chart-label\" x=\"{Left - 6}\" y=\"{bottom + 4}\" text-anchor=\"end\">0</text>")
            .Append(CultureInfo.InvariantCulture, $"<text class=\"chart-label\" x=\"{Left - 6}\" y=\"{Top + 4}\" text-anchor=\"end\">{max}</text>");
        for (var i = 0; i < days.Count; i++)
        {
            var day = days[i];
            var x = Left + (i * Slot) + 6;
            var date = day.Start.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            Bar(svg, "created", x, bottom, max, day.Created, $"{date}: {day.Created} created");
            Bar(svg, "refused", x + BarWidth + 2, bottom, max, day.Refused, $"{date}: {day.Refused} refused");
            svg.Append(
                CultureInfo.InvariantCulture,
                $"<text class=\"chart-label\" x=\"{x + BarWidth}\" y=\"{bottom + 16}\" "
                + $"text-anchor=\"middle\">{day.Start.UtcDateTime.ToString("dd MMM", CultureInfo.InvariantCulture)}</text>");
        }

        return svg.Append("</svg>").ToString();
    }

    private static void Bar(StringBuilder svg, string kind, int x, int bottom, int max, int count, string label)
    {
        var height = (int)Math.Round(PlotHeight * (double)count / max, MidpointRounding.AwayFromZero);
        var fill = kind == "created" ? "#2e7d32" : "#b3261e";
        svg.Append(
            CultureInfo.InvariantCulture,
            $"<rect class=\"bar-{kind}\" x=\"{x}\" y=\"{bottom - height}\" width=\"{BarWidth}\" "
            + $"height=\"{height}\" fill=\"{fill}\" "
            + $"data-count=\"{count}\"><title>{OperatorHtml.Encode(label)}</title></rect>");
    }
}
