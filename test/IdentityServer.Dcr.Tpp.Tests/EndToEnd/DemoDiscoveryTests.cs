// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json.Nodes;

namespace IdentityServer.Dcr.Tpp.Tests.EndToEnd;

/// <summary>The demo bank's discovery document says what its endpoints accept, in its shipped Development profile.</summary>
[TestFixture]
[Category("Integration")]
public sealed class DemoDiscoveryTests
{
    [Test]
    public async Task Discovery_PushedAuthorizationAuthMethods_AreTheTokenEndpointsNotOpenIddictsSecrets()
    {
        // Arrange
        await using var host = await InProcessDemoHost.StartAsync();
        using var client = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator });

        // Act
        var document = JsonNode.Parse(await client.GetStringAsync(new Uri(host.Url + "/.well-known/openid-configuration")))!;

        // Assert: the PAR endpoint authenticates clients as the token endpoint does (RFC 9126 §2), and refuses secrets.
        static string[] Values(JsonNode? node) => node!.AsArray().Select(n => n!.GetValue<string>()).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(document["pushed_authorization_request_endpoint"], Is.Not.Null);
            Assert.That(Values(document["pushed_authorization_request_endpoint_auth_methods_supported"]),
                Is.EquivalentTo(Values(document["token_endpoint_auth_methods_supported"])));
            Assert.That(Values(document["pushed_authorization_request_endpoint_auth_methods_supported"]), Has.None.StartWith("client_secret"));
        });
    }
}
