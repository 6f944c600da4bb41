// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.Auditing;
using IdentityServer.Dcr.Registration;
using IdentityServer.Dcr.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;

namespace IdentityServer.Dcr.Duende.Tests.RequestProcessing;

/// <summary>
/// The Duende path runs the engine's writer and refusal handling, not copies of them: a registration, an update and a
/// refusal raise the engine's log events (1500 ClientRegistered, 1502 ClientUpdated, 1000 RequestRejected), its
/// rejection event and its <c>dcr.registration.requests</c> counter, and a refusal by the writer (a replayed update) is
/// audited like one by the validator.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class DuendeRegistrationPathTests
{
    private DuendeTestBank _bank = null!;
    private int _rejectedEvents;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _bank = await DuendeTestBank.StartAsync(identityServer: builder => builder.Services.AddFakeLogging());
        _bank.GetRequiredService<DcrEvents>().OnRequestRejected = _ =>
        {
            Interlocked.Increment(ref _rejectedEvents);
            return Task.CompletedTask;
        };
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _bank.DisposeAsync();

    [Test]
    public async Task RegisterUpdateAndRefusals_RaiseTheEnginesLogEventsEventAndAuditEntries()
    {
        // Arrange
        var logs = _bank.GetRequiredService<FakeLogCollector>();
        logs.Clear();
        var tpp = _bank.Environment.NewTpp();
        using var telemetry = new TelemetryCapture();
        using var root = TelemetryCapture.StartRoot();

        // Act: a registration, an update, the same signed update again (a replay, refused by the writer), and a
        // request without a software statement (refused by the validator).
        var clientId = await _bank.RegisterAsync(tpp);
        var token = await _bank.TokenAsync(tpp, clientId);
        var update = _bank.Environment.SignedRequest(tpp);
        var endpoint = new Uri(_bank.Host.RegistrationEndpoint + "/" + clientId);
        using var updated = await _bank.Environment.SendAsync(HttpMethod.Put, endpoint, tpp.TransportCertificate, token, update);
        using var replayed = await _bank.Environment.SendAsync(HttpMethod.Put, endpoint, tpp.TransportCertificate, token, update);
        using var withoutSsa = await _bank.Environment.SendAsync(HttpMethod.Post, _bank.Host.RegistrationEndpoint, tpp.TransportCertificate,
            body: _bank.Environment.SignedRequest(tpp, claims => claims.Remove("software_statement")));

        // Assert
        root.Stop();
        var counted = telemetry.Measurements(root.TraceId, "dcr.registration.requests")
            .Select(m => $"{m.Tags["dcr.operation"]}:{m.Tags["dcr.outcome"]}:{m.Tags.GetValueOrDefault("error.type")}")
            .Order(StringComparer.Ordinal)
            .ToList();
        var events = logs.GetSnapshot().Select(r => r.Id.Id).ToList();
        var audit = await _bank.GetRequiredService<IDcrAuditStore>().FindAsync(new DcrAuditQuery { SoftwareId = tpp.SoftwareId }, CancellationToken.None);
        Assert.Multiple(async () =>
        {
            Assert.That(updated.StatusCode, Is.EqualTo(HttpStatusCode.OK), await updated.Content.ReadAsStringAsync());
            Assert.That(replayed.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(JsonNode.Parse(await replayed.Content.ReadAsStringAsync())!["error_description"]!.GetValue<string>(),
                Is.EqualTo("The request's jti has already been used; sign a new request with a fresh jti."));
            Assert.That(withoutSsa.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(events, Does.Contain(1500), "ClientRegistered, from the engine's writer");
            Assert.That(events, Does.Contain(1502), "ClientUpdated");
            Assert.That(events.Count(id => id == 1000), Is.EqualTo(2), "RequestRejected, once per refusal");
            Assert.That(Volatile.Read(ref _rejectedEvents), Is.EqualTo(2), "OnRequestRejected, once per refusal");
            Assert.That(counted, Is.EqualTo(new[] { "create:rejected:invalid_software_statement", "create:success:", "update:rejected:invalid_client_metadata", "update:success:" }),
                "dcr.registration.requests, as on the engine's own path");
            Assert.That(audit.Select(e => (e.Operation, e.Outcome)), Is.EqualTo(new[] { ("update", "rejected"), ("update", "success"), ("create", "success") }),
                "newest first; the replay refused by the writer is audited (the request without an SSA names no software)");
        });
    }
}
