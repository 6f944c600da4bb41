// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using IdentityServer.Dcr.Jwks;
using IdentityServer.Dcr.Testing;

namespace IdentityServer.Dcr.UnitTests.Jwks;

/// <summary>The resolver's metrics and trace: fetches by source and outcome with their latency, and cache lookups.</summary>
public sealed partial class JwksResolverTests
{
    [Test]
    public async Task Telemetry_MissFetchThenHit_CountedWithSourceAndOutcome()
    {
        // Arrange
        using var capture = new TelemetryCapture();
        var resolver = CreateResolver();
        using var root = TelemetryCapture.StartRoot();

        // Act
        _ = await resolver.FindKeyAsync(SoftwareUri, "k1", JwksSourceKind.Software, CancellationToken.None);
        _ = await resolver.FindKeyAsync(SoftwareUri, "k1", JwksSourceKind.Software, CancellationToken.None);
        root.Stop();

        // Assert
        var lookups = capture.Measurements(root.TraceId, "dcr.jwks.cache.lookups");
        var fetches = capture.Measurements(root.TraceId, "dcr.jwks.fetches");
        var durations = capture.Measurements(root.TraceId, "dcr.jwks.fetch.duration");
        var fetch = capture.Activities(root.TraceId).Single(a => a.OperationName == "dcr.jwks.fetch");
        Assert.Multiple(() =>
        {
            Assert.That(lookups.Select(l => l.Tags["dcr.cache.result"]), Is.EqualTo(new[] { "miss", "hit" }));
            Assert.That(lookups.Select(l => l.Tags["dcr.jwks.source"]), Is.All.EqualTo("software"));
            Assert.That(fetches.Single().Tags["dcr.outcome"], Is.EqualTo("success"));
            Assert.That(durations.Single().Value, Is.GreaterThanOrEqualTo(0));
            Assert.That(fetch.GetTagItem("server.address"), Is.EqualTo(SoftwareUri.Host));
        });
    }

    [Test]
    public void Telemetry_HostAnswers500_FetchCountedUnavailable()
    {
        // Arrange
        using var capture = new TelemetryCapture();
        _handler.Respond = (_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.InternalServerError));
        var resolver = CreateResolver();
        using var root = TelemetryCapture.StartRoot();

        // Act
        Assert.ThrowsAsync<JwksUnavailableException>(() => resolver.FindKeyAsync(AnchorUri, "k1", JwksSourceKind.TrustAnchor, CancellationToken.None));
        root.Stop();

        // Assert
        var fetch = capture.Measurements(root.TraceId, "dcr.jwks.fetches").Single();
        Assert.That(fetch.Tags, Is.EquivalentTo(new Dictionary<string, string> { ["dcr.jwks.source"] = "trust_anchor", ["dcr.outcome"] = "unavailable" }));
    }
}
