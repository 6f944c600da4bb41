// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using IdentityServer.Dcr.Diagnostics;

namespace IdentityServer.Dcr.UnitTests.Diagnostics;

/// <summary>
/// A real <see cref="MeterListener"/> and <see cref="ActivityListener"/> on the library's meter and source. Tests run in
/// parallel, so everything is kept with the trace id that was current when it was recorded: a test starts its own root
/// activity (<see cref="StartRoot"/>) and looks only at what belongs to its trace.
/// </summary>
internal sealed class TelemetryCapture : IDisposable
{
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
            if (instrument.Meter.Name == DcrTelemetry.Name)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.Start();
        _activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name is DcrTelemetry.Name or TestSourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_activities);
    }

    /// <summary>A root activity for the test: what is recorded under it carries its trace id.</summary>
    public static Activity StartRoot() => TestSource.StartActivity("test", ActivityKind.Internal, default(ActivityContext))
        ?? throw new InvalidOperationException("The test activity was not sampled.");

    public IReadOnlyList<Measurement> Measurements(ActivityTraceId trace, string instrument)
        => [.. _measurements.Where(m => m.Trace == trace && m.Instrument == instrument)];

    public IReadOnlyList<Activity> Activities(ActivityTraceId trace)
        => [.. _stopped.Where(a => a.TraceId == trace && a.Source.Name == DcrTelemetry.Name)];

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

    internal sealed record Measurement(ActivityTraceId Trace, string Instrument, double Value, IReadOnlyDictionary<string, string> Tags);
}
