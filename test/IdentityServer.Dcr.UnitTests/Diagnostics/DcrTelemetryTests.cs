// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Diagnostics;
using IdentityServer.Dcr.ClientAuthentication;
using IdentityServer.Dcr.Diagnostics;
using IdentityServer.Dcr.Testing;
using IdentityServer.Dcr.UnitTests.Registration;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityServer.Dcr.UnitTests.Diagnostics;

/// <summary>
/// The library's metrics and traces, read back with a real <see cref="System.Diagnostics.Metrics.MeterListener"/> and
/// <see cref="ActivityListener"/>: outcomes and error codes of registrations, stage durations, client-authentication
/// checks, and tag values from bounded sets only.
/// </summary>
[TestFixture]
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class DcrTelemetryTests : IDisposable
{
    private static readonly string[] ValidationStages = ["read", "transport", "software_statement", "binding", "request_object", "metadata"];

    private readonly TelemetryCapture _capture = new();
    private readonly RegistrationServiceFixture _fixture = new();

    public void Dispose()
    {
        _capture.Dispose();
        _fixture.Dispose();
    }

    [Test]
    public async Task Register_Success_CountsCreateSuccessTimesEveryStageAndTracesThemUnderOneActivity()
    {
        // Arrange
        using var root = TelemetryCapture.StartRoot();

        // Act
        var result = await _fixture.RegisterAsync();
        root.Stop();

        // Assert
        Assert.That(result.Succeeded, Is.True, result.Error?.ErrorDescription);
        var requests = _capture.Measurements(root.TraceId, "dcr.registration.requests");
        var stages = _capture.Measurements(root.TraceId, "dcr.registration.stage.duration");
        var activities = _capture.Activities(root.TraceId);
        var register = activities.Single(a => a.OperationName == "dcr.register");
        Assert.Multiple(() =>
        {
            Assert.That(requests, Has.Count.EqualTo(1));
            Assert.That(requests[0].Tags, Is.EquivalentTo(new Dictionary<string, string> { ["dcr.operation"] = "create", ["dcr.outcome"] = "success" }));
            Assert.That(stages.Select(s => s.Tags["dcr.stage"]), Is.EquivalentTo(ValidationStages.Append("store")));
            Assert.That(stages.Select(s => s.Tags["dcr.outcome"]), Is.All.EqualTo("success"));
            Assert.That(stages.Select(s => s.Value), Is.All.GreaterThanOrEqualTo(0));
            Assert.That(activities.Where(a => a.OperationName.StartsWith("dcr.stage ", StringComparison.Ordinal)).Select(a => a.ParentSpanId), Is.All.EqualTo(register.SpanId));
            Assert.That(register.GetTagItem("dcr.outcome"), Is.EqualTo("success"));
        });
    }

    [Test]
    public async Task Register_BadSoftwareStatement_CountsRejectedWithItsErrorCodeAndStopsAtThatStage()
    {
        // Arrange: the SSA is signed by a key the directory does not publish.
        using var root = TelemetryCapture.StartRoot();

        // Act
        var result = await _fixture.RegisterAsync(modifySsa: ssa => ssa["iss"] = "Another Directory");
        root.Stop();

        // Assert
        Assert.That(result.Succeeded, Is.False);
        var requests = _capture.Measurements(root.TraceId, "dcr.registration.requests");
        var stages = _capture.Measurements(root.TraceId, "dcr.registration.stage.duration");
        Assert.Multiple(() =>
        {
            Assert.That(requests.Single().Tags["dcr.outcome"], Is.EqualTo("rejected"));
            Assert.That(requests.Single().Tags["error.type"], Is.EqualTo(result.Error!.Error));
            Assert.That(stages.Single(s => s.Tags["dcr.stage"] == "software_statement").Tags["dcr.outcome"], Is.EqualTo("rejected"));
            Assert.That(stages.Select(s => s.Tags["dcr.stage"]), Does.Not.Contain("request_object").And.Not.Contain("store"), "later stages do not run");
        });
    }

    [Test]
    public async Task ClientAuthentication_Checks_CountedByMethodAndOutcome_UnknownMethodsAsOther()
    {
        // Arrange
        using var root = TelemetryCapture.StartRoot();
        var authenticator = _fixture.Services.GetRequiredService<IClientAuthenticator>();
        var client = new RegisteredClient("client-1", "private_key_jwt", "PS256", null, RegistrationServiceFixture.TppJwksUri);

        // Act
        _ = authenticator.CheckMethod(client, "client-controlled-garbage\nwith a newline");
        _ = authenticator.CheckMethod(client, "tls_client_auth");
        _ = await authenticator.CheckAssertionAsync(client, "not-a-jws", CancellationToken.None);
        root.Stop();

        // Assert
        var checks = _capture.Measurements(root.TraceId, "dcr.client_authentication.checks");
        Assert.That(checks.Select(c => (c.Tags["dcr.auth.method"], c.Tags["dcr.outcome"])), Is.EquivalentTo(new[]
        {
            ("other", "failure"),
            ("tls_client_auth", "failure"),
            ("private_key_jwt", "failure"),
        }));
    }

    [Test]
    public async Task Tags_NeverCarryClientControlledValues()
    {
        // Arrange: a rejection whose description and request carry client-controlled text.
        using var root = TelemetryCapture.StartRoot();

        // Act
        _ = await _fixture.RegisterAsync(modifyRequest: r => r["redirect_uris"] = new System.Text.Json.Nodes.JsonArray("https://evil.example.com/\u0001"));
        _ = await _fixture.RegisterAsync();
        root.Stop();

        // Assert: every tag value is from the documented sets.
        var allowed = new HashSet<string>(StringComparer.Ordinal)
        {
            "create", "update", "delete", "success", "rejected", "failure", "unavailable",
            "read", "transport", "software_statement", "binding", "request_object", "metadata", "store",
        };
        var measurements = _capture.Measurements(root.TraceId, "dcr.registration.requests").Concat(_capture.Measurements(root.TraceId, "dcr.registration.stage.duration"));
        Assert.That(measurements.SelectMany(m => m.Tags).Where(t => t.Key != "error.type" && !allowed.Contains(t.Value)).Select(t => $"{t.Key}={t.Value}"), Is.Empty);
        Assert.That(measurements.SelectMany(m => m.Tags).Where(t => t.Key == "error.type").Select(t => t.Value), Is.All.Match("^[a-z_]+$"));
    }

    [TestCase("invalid_client_metadata", "invalid_client_metadata")]
    [TestCase("https://evil.example.com", "other")]
    [TestCase("", "other")]
    [TestCase(null, "other")]
    public void Error_BoundsTheTagValue(string? code, string expected)
        => Assert.That(DcrTelemetry.Error(code), Is.EqualTo(expected));
}
