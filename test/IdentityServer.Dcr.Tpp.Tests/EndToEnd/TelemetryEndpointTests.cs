// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using IdentityServer.Dcr.Tpp.Commands;
using IdentityServer.Dcr.Tpp.State;
using IdentityServer.Dcr.Tpp.Tests.TestDoubles;

namespace IdentityServer.Dcr.Tpp.Tests.EndToEnd;

/// <summary>
/// The demo bank's OpenTelemetry wiring in its Development profile: the Prometheus scrape endpoint shows the library's
/// instruments once a TPP has registered and obtained a token.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class TelemetryEndpointTests
{
    [Test]
    public async Task Metrics_AfterARegistrationAndAToken_ShowTheLibraryInstruments()
    {
        // Arrange
        await using var host = await InProcessDemoHost.StartAsync();
        using var directory = new TempDirectory();
        var context = new TppContext(new CapturedConsole().Console, new StateStore(directory.Path), insecure: true);
        await new InitCommand(context).RunAsync(new InitOptions(), CancellationToken.None);
        await new SandboxEnrolCommand(context).RunAsync(new SandboxEnrolOptions { Bank = host.Url }, CancellationToken.None);
        await new RegisterCommand(context).RunAsync(new RegisterOptions { Bank = host.Url }, CancellationToken.None);
        await new TokenCommand(context).RunAsync(new TokenOptions(), CancellationToken.None);

        // Act: the exporter caches a scrape briefly; wait for one that has the registration (bounded).
        using var client = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator });
        string text = string.Empty;
        HttpStatusCode status = default;
        for (var attempt = 0; attempt < 20 && !text.Contains("dcr_registration_requests", StringComparison.Ordinal); attempt++)
        {
            using var response = await client.GetAsync(new Uri(host.Url + "/metrics"));
            status = response.StatusCode;
            text = await response.Content.ReadAsStringAsync();
            await Task.Delay(250);
        }

        // Assert
        var registrations = text.Split('\n').Where(l => l.StartsWith("dcr_registration_requests", StringComparison.Ordinal)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(registrations, Has.Some.Contains("dcr_operation=\"create\"").And.Contains("dcr_outcome=\"success\""), text);
            Assert.That(text, Does.Contain("dcr_registration_stage_duration"));
            Assert.That(text, Does.Contain("dcr_client_authentication_checks"));
            Assert.That(text, Does.Contain("http_server_request_duration"), "ASP.NET Core's own instruments");
        });
    }
}
