// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace IdentityServer.Dcr.Testing;

/// <summary>
/// A real <see cref="MeterListener"/> and <see cref="ActivityListener"/> on the library's meter and source (<c>IdentityServer.Dcr</c>). Tests run in
/// parallel, so everything is kept with the trace id that was current when it was recorded: a test starts its own root
/// activity (<see cref="StartRoot"/>) and looks only at what belongs to its trace. ASP.NET Core's request activities
/// are listened to as well, so that a request sent with the root's <c>traceparent</c> (<see cref="TraceParent"/>) is
/// measured under the same trace by an in-process server.
/// </summary>
public sealed class TelemetryCapture : IDisposable
{
    /// <summary>The library's meter and activity source name (<c>LibraryName</c>).</summary>
    public const string LibraryName = "IdentityServer.Dcr";

    private const string TestSourceName = "IdentityServer.Dcr.UnitTests.Telemetry";
    private static readonly ActivitySource TestSource = new(TestSourceName);
    private readonly MeterListener _meters = new();
    private readonly ActivityListener _activities;
    private readonly ConcurrentQueue<Measurement> _measurements = new();
    private readonly ConcurrentQueue<Activity> _stopped = new();

    public TelemetryCapture()
    {
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == LibraryName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.Start();
        _activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name is LibraryName or TestSourceName or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_activities);
    }

    /// <summary>A root activity for the test: what is recorded under it carries its trace id.</summary>
    public static Activity StartRoot() => TestSource.StartActivity("test", ActivityKind.Internal, default(ActivityContext))
        ?? throw new InvalidOperationException("The test activity was not sampled.");

    /// <summary>The W3C <c>traceparent</c> header value of <paramref name="root"/>.</summary>
    public static string TraceParent(Activity root) => $"00-{root.TraceId}-{root.SpanId}-01";

    public IReadOnlyList<Measurement> Measurements(ActivityTraceId trace, string instrument)
        => [.. _measurements.Where(m => m.Trace == trace && m.Instrument == instrument)];

    public IReadOnlyList<Activity> Activities(ActivityTraceId trace)
        => [.. _stopped.Where(a => a.TraceId == trace && a.Source.Name == LibraryName)];

    public void Dispose()
    {
        _meters.Dispose();
        _activities.Dispose();
    }

    private void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct
    {
        var copy = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value?.ToString() ?? string.Empty;
        }

        _measurements.Enqueue(new Measurement(Activity.Current?.TraceId ?? default, instrument.Name, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture), copy));
    }

    public sealed record Measurement(ActivityTraceId Trace, string Instrument, double Value, IReadOnlyDictionary<string, string> Tags);
}
