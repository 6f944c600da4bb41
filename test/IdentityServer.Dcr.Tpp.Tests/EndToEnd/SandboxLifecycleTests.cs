// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Tpp.Commands;
using IdentityServer.Dcr.Tpp.Registration;
using IdentityServer.Dcr.Tpp.State;
using IdentityServer.Dcr.Tpp.Tests.TestDoubles;

namespace IdentityServer.Dcr.Tpp.Tests.EndToEnd;

/// <summary>
/// The whole OBIE lifecycle through the command classes against the demo host in-process (a bank on OpenIddict with
/// certificate-bound tokens): register, token, get, update, delete, then get with the deleted client's token.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class SandboxLifecycleTests : DemoHostFixture
{
    [TestCase(AuthMethods.PrivateKeyJwt, "PS256")]
    [TestCase(AuthMethods.PrivateKeyJwt, "ES256")]
    [TestCase(AuthMethods.TlsClientAuth, "PS256")]
    public async Task Lifecycle_RegisterTokenGetUpdateDelete_ThenGetWithOldTokenIs401(string authMethod, string algorithm)
    {
        // Arrange
        using var directory = new TempDirectory();
        var console = new CapturedConsole();
        var context = new TppContext(console.Console, new StateStore(directory.Path), insecure: true);
        await new InitCommand(context).RunAsync(new InitOptions { Algorithm = algorithm }, CancellationToken.None);
        await new SandboxEnrolCommand(context).RunAsync(new SandboxEnrolOptions { Bank = Host.Url }, CancellationToken.None);
        await new RegisterCommand(context).RunAsync(new RegisterOptions { Bank = Host.Url, AuthMethod = authMethod }, CancellationToken.None);

        // Act
        var token = await new TokenCommand(context).RunAsync(new TokenOptions(), CancellationToken.None);
        await new GetCommand(context).RunAsync(new ClientOptions(), CancellationToken.None);
        await new UpdateCommand(context).RunAsync(new RegisterOptions { Scope = "openid accounts" }, CancellationToken.None);
        var updated = context.Store.Load();
        await new DeleteCommand(context).RunAsync(new ClientOptions(), CancellationToken.None);
        var afterDelete = context.Store.Load();
        context.Store.Save(updated); // the deleted client's id and token, as a stale copy of the state would hold them

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(token, Is.Not.Empty);
            Assert.That(updated.TokenEndpoint, Is.EqualTo(Host.Url + "/connect/token"), "from discovery");
            Assert.That(updated.AccessToken, Is.EqualTo(token), "the token survives the update and is reused");
            Assert.That(JsonFields.Text(updated.Registration, "scope"), Is.EqualTo("openid accounts"));
            Assert.That(JsonFields.Text(updated.Registration, "token_endpoint_auth_method"), Is.EqualTo(authMethod));
            Assert.That(console.Out.ToString(), Does.Contain("200 OK: the registration of client " + updated.ClientId));
            Assert.That(console.Out.ToString(), Does.Contain("Updated: 200 OK"));
            Assert.That(console.Out.ToString(), Does.Contain($"204 No Content: client {updated.ClientId} deleted"));
            Assert.That(afterDelete.ClientId, Is.Null);
        });
        Assert.That(
            () => new GetCommand(context).RunAsync(new ClientOptions(), CancellationToken.None),
            Throws.TypeOf<TppException>().With.Message.Contains("401 Unauthorized").And.Message.Contains("invalid_token"));
    }

    [Test]
    public async Task TransportCertificateRevokedInTheSandbox_TokenIsRefused()
    {
        // Arrange: a registered TPP that gets tokens; the sandbox CA then revokes its transport certificate.
        using var directory = new TempDirectory();
        var console = new CapturedConsole();
        var context = new TppContext(console.Console, new StateStore(directory.Path), insecure: true);
        await new InitCommand(context).RunAsync(new InitOptions(), CancellationToken.None);
        await new SandboxEnrolCommand(context).RunAsync(new SandboxEnrolOptions { Bank = Host.Url }, CancellationToken.None);
        await new RegisterCommand(context).RunAsync(new RegisterOptions { Bank = Host.Url }, CancellationToken.None);
        var before = await new TokenCommand(context).RunAsync(new TokenOptions(), CancellationToken.None);
        var state = context.Store.Load();
        var pem = await File.ReadAllTextAsync(context.Store.Resolve(state.TransportCertificateFile!));
        using (var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true }))
        using (var revoke = await http.PostAsync(Host.Url + "/sandbox/transport-certificates/revoke", new StringContent(pem)))
        {
            Assert.That(revoke.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.NoContent), await revoke.Content.ReadAsStringAsync());
        }

        // Act: once the CRL the host holds has expired, the next check reads the new one.
        await Task.Delay(InProcessDemoHost.CrlValidity + TimeSpan.FromSeconds(1));

        // Assert
        Assert.That(before, Is.Not.Empty);
        Assert.That(
            () => new TokenCommand(context).RunAsync(new TokenOptions(), CancellationToken.None),
            Throws.TypeOf<TppException>().With.Message.Contains("invalid_client").And.Message.Contains("revoked"));
    }

    [Test]
    public async Task SandboxSoftwareJwks_SurviveARestartOfTheHost()
    {
        // Arrange: a TPP publishes its JWKS in the sandbox; the host then restarts on the same App_Data.
        using var contentRoot = new TempDirectory();
        var softwareId = "Sw" + Guid.NewGuid().ToString("N")[..20];
        const string Jwks = "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\",\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\",\"kid\":\"k1\"}]}";
        using var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true });
        await using (var first = await InProcessDemoHost.StartAsync(contentRoot))
        {
            using var put = await http.PutAsync($"{first.Url}/sandbox/software/{softwareId}/jwks", new StringContent(Jwks, System.Text.Encoding.UTF8, "application/json"));
            Assert.That(put.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.NoContent), await put.Content.ReadAsStringAsync());
        }

        // Act
        await using var second = await InProcessDemoHost.StartAsync(contentRoot);
        using var get = await http.GetAsync($"{second.Url}/sandbox/software/{softwareId}/jwks");

        // Assert
        Assert.Multiple(async () =>
        {
            Assert.That(get.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.OK), "the TPP need not enrol again");
            Assert.That(System.Text.Json.Nodes.JsonNode.Parse(await get.Content.ReadAsStringAsync())!["keys"]![0]!["kid"]!.GetValue<string>(), Is.EqualTo("k1"));
        });
    }
}
