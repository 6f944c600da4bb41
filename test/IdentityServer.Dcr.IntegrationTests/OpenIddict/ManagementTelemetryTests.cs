// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net.Http.Headers;
using IdentityServer.Dcr.IntegrationTests.Infrastructure;
using IdentityServer.Dcr.Testing;

namespace IdentityServer.Dcr.IntegrationTests.OpenIddict;

/// <summary>
/// <c>dcr.management.requests</c> over a real bank (OpenIddict, Kestrel, PostgreSQL): each management call counted by
/// operation and outcome, read back with a real <see cref="System.Diagnostics.Metrics.MeterListener"/> under the test's
/// own trace (the requests carry its <c>traceparent</c>).
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class ManagementTelemetryTests
{
    private OpenIddictBank _bank = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _bank = await OpenIddictBank.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _bank.DisposeAsync();

    [Test]
    public async Task ManagementCalls_CountedByOperationAndOutcome()
    {
        // Arrange
        using var capture = new TelemetryCapture();
        var environment = _bank.Environment;
        var tpp = environment.NewTpp();
        var clientId = await _bank.RegisterAsync(tpp);
        var token = await _bank.AccessTokenAsync(tpp, clientId);
        var uri = _bank.RegistrationUri(clientId);
        using var root = TelemetryCapture.StartRoot();
        using var client = environment.Client(tpp.TransportCertificate);

        async Task SendAsync(HttpMethod method, string? bearer)
        {
            using var request = new HttpRequestMessage(method, uri);
            request.Headers.Add("traceparent", TelemetryCapture.TraceParent(root));
            if (bearer is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            }

            using var response = await client.SendAsync(request);
        }

        // Act
        await SendAsync(HttpMethod.Get, token);
        await SendAsync(HttpMethod.Get, null);
        await SendAsync(HttpMethod.Delete, token);
        root.Stop();

        // Assert
        var counted = capture.Measurements(root.TraceId, "dcr.management.requests")
            .Select(m => (m.Tags["dcr.operation"], m.Tags["dcr.outcome"]));
        Assert.That(counted, Is.EquivalentTo(new[] { ("read", "success"), ("read", "unauthorized"), ("delete", "success") }));
    }
}
