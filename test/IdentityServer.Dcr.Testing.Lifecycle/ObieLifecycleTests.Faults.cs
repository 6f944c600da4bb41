// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;

namespace IdentityServer.Dcr.Testing.Lifecycle;

/// <summary>
/// A database outage on every endpoint of the bank (registration, token, management): a clean 503 with
/// <c>Retry-After</c> and an OAuth JSON body, nothing half-made stored, and recovery without a restart.
/// </summary>
public abstract partial class ObieLifecycleTests
{
    [Test]
    public async Task Outage_DatabaseCut_EveryEndpointAnswers503ThenRecovers()
    {
        // Arrange: a working client and token.
        var tpp = Environment.NewTpp();
        var (clientId, _) = await RegisterAsync(tpp);
        var token = await TokenWithPrivateKeyJwtAsync(tpp, clientId);
        var newcomer = Environment.NewTpp();

        // Act: the bank loses its database.
        await Environment.Database.CutAsync();
        HttpResponseMessage tokenDuring, readDuring, registerDuring;
        try
        {
            tokenDuring = await RequestPrivateKeyJwtTokenAsync(tpp, clientId);
            readDuring = await Environment.SendAsync(HttpMethod.Get, ManagementUri(clientId), tpp.TransportCertificate, token);
            registerDuring = await Environment.SendAsync(HttpMethod.Post, Host.RegistrationEndpoint, newcomer.TransportCertificate, body: Environment.SignedRequest(newcomer));
        }
        finally
        {
            Environment.Database.Restore();
        }

        // The database is back: the same instance serves again (bounded retries, no restart).
        var recovered = HttpStatusCode.ServiceUnavailable;
        for (var attempt = 0; attempt < 20 && recovered != HttpStatusCode.OK; attempt++)
        {
            using var retry = await RequestPrivateKeyJwtTokenAsync(tpp, clientId);
            recovered = retry.StatusCode;
            if (recovered != HttpStatusCode.OK)
            {
                await Task.Delay(250);
            }
        }

        // Assert
        using (tokenDuring)
        using (readDuring)
        using (registerDuring)
        {
            foreach (var (name, response) in new[] { ("token", tokenDuring), ("management", readDuring), ("registration", registerDuring) })
            {
                // A server that needs no database for a request may still answer it (Duende with its client cache
                // issues tokens); anything else is a clean 503.
                if (name == "token" && response.StatusCode == HttpStatusCode.OK)
                {
                    continue;
                }

                var json = await ReadJsonAsync(response);
                Assert.Multiple(() =>
                {
                    Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), $"{name}: {json.ToJsonString()}");
                    Assert.That(response.Headers.RetryAfter, Is.Not.Null, name);
                    Assert.That(json["error"]?.GetValue<string>(), Is.EqualTo("temporarily_unavailable"), name);
                });
            }
        }

        Assert.Multiple(async () =>
        {
            Assert.That(recovered, Is.EqualTo(HttpStatusCode.OK), "tokens again once the database is back");
            Assert.That(await Environment.CountRegistrationsAsync(newcomer.SoftwareId), Is.Zero, "nothing half-made");
        });
    }
}
