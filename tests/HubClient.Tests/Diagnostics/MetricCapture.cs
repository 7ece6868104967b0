using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace HubClient.Tests.Diagnostics;

/// <summary>Sums what the HubClient meter records in this test's async flow (other tests run in parallel).</summary>
public sealed class MetricCapture : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _sums = new();

    public MetricCapture()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == HubTelemetry.Name) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (ReferenceEquals(Current.Value, this)) _sums.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value);
        });
        Current.Value = this;
        _listener.Start();
    }

    public long Sum(string name) => _sums.TryGetValue(name, out long sum) ? sum : 0;

    public void Dispose()
    {
        Current.Value = null;
        _listener.Dispose();
    }

    // Metrics are process-wide and xunit runs test classes in parallel: count only what this capture's async flow records.
    // Every listener hears every test's measurements, so a flag ("some capture is on in this flow") is not enough: each
    // capture must recognise its own flow, or two tests measuring at once count each other's bytes.
    private static readonly AsyncLocal<MetricCapture?> Current = new();
}
