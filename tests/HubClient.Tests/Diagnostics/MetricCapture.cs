using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace HubClient.Tests.Diagnostics;

/// <summary>Sums what the HubClient meter records in this test's async flow (other tests run in parallel).</summary>
public sealed class MetricCapture : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _sums = new();
    private readonly int _threadFilter = Environment.CurrentManagedThreadId;

    public MetricCapture()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == HubTelemetry.Name) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (CurrentTest.Value) _sums.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value);
        });
        CurrentTest.Value = true;
        _listener.Start();
    }

    public long Sum(string name) => _sums.TryGetValue(name, out long sum) ? sum : 0;

    public void Dispose()
    {
        CurrentTest.Value = false;
        _listener.Dispose();
    }

    // Metrics are process-wide and xunit runs test classes in parallel: count only what this test's async flow records.
    private static readonly AsyncLocal<bool> CurrentTest = new();
}
