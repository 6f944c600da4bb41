// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Tpp.Commands;
using IdentityServer.Dcr.Tpp.Registration;
using IdentityServer.Dcr.Tpp.State;
using IdentityServer.Dcr.Tpp.Tests.TestDoubles;

namespace IdentityServer.Dcr.Tpp.Tests.EndToEnd;

/// <summary>init → sandbox enrol → register against the demo host started in-process, through the command classes.</summary>
[TestFixture]
[Category("Integration")]
public sealed class SandboxRegistrationTests : DemoHostFixture
{
    [Test]
    public async Task Register_AfterInitAndSandboxEnrol_Answers201AndSavesClientId()
    {
        // Arrange
        using var directory = new TempDirectory();
        var console = new CapturedConsole();
        var context = new TppContext(console.Console, new StateStore(directory.Path), insecure: true);
        await new InitCommand(context).RunAsync(new InitOptions(), CancellationToken.None);
        await new SandboxEnrolCommand(context).RunAsync(new SandboxEnrolOptions { Bank = Host.Url }, CancellationToken.None);

        // Act
        var registration = await new RegisterCommand(context).RunAsync(new RegisterOptions { Audience = InProcessDemoHost.AcceptedAudience }, CancellationToken.None);

        // Assert
        var state = context.Store.Load();
        Assert.Multiple(() =>
        {
            Assert.That(console.Out.ToString(), Does.Contain("Registered: 201 Created"));
            Assert.That(state.ClientId, Is.Not.Null.And.EqualTo(JsonFields.Text(registration, "client_id")));
            Assert.That(Guid.TryParse(state.ClientId, out _), Is.True, "the demo host issues UUIDs");
            Assert.That(state.TokenEndpointAuthMethod, Is.EqualTo(AuthMethods.PrivateKeyJwt));
            Assert.That(state.RegistrationEndpoint, Is.EqualTo(Host.Url + "/register"), "from discovery");
            Assert.That(JsonFields.Text(registration, "software_id"), Is.EqualTo(state.SoftwareId));
            Assert.That(console.Error.ToString(), Does.Not.Contain("error:"));
        });
    }

    [Test]
    public async Task Register_Es256TlsClientAuthWithCaFile_Answers201WithSubjectDnOfTransportCertificate()
    {
        // Arrange: enrol once with --insecure, then trust only the sandbox CA that enrol saved.
        using var directory = new TempDirectory();
        var console = new CapturedConsole();
        var store = new StateStore(directory.Path);
        var bootstrap = new TppContext(console.Console, store, insecure: true);
        await new InitCommand(bootstrap).RunAsync(new InitOptions { Algorithm = "ES256" }, CancellationToken.None);
        await new SandboxEnrolCommand(bootstrap).RunAsync(new SandboxEnrolOptions { Bank = Host.Url }, CancellationToken.None);
        var context = new TppContext(console.Console, store, caFile: store.Resolve(StateStore.SandboxCaFileName));

        // Act
        var registration = await new RegisterCommand(context).RunAsync(
            new RegisterOptions { Audience = InProcessDemoHost.AcceptedAudience, AuthMethod = AuthMethods.TlsClientAuth, Scope = "openid accounts" },
            CancellationToken.None);

        // Assert
        var state = store.Load();
        Assert.Multiple(() =>
        {
            Assert.That(state.ClientId, Is.Not.Null);
            Assert.That(state.SigningAlgorithm, Is.EqualTo("ES256"));
            Assert.That(JsonFields.Text(registration, "token_endpoint_auth_method"), Is.EqualTo(AuthMethods.TlsClientAuth));
            Assert.That(JsonFields.Text(registration, "tls_client_auth_subject_dn"), Is.EqualTo(state.TransportSubjectDn));
            Assert.That(JsonFields.Text(registration, "scope"), Is.EqualTo("openid accounts"));
        });
    }

    [Test]
    public async Task Register_SameStateTwice_CreatesTwoClientsWithFreshJti()
    {
        // Arrange
        using var directory = new TempDirectory();
        var console = new CapturedConsole();
        var context = new TppContext(console.Console, new StateStore(directory.Path), insecure: true);
        await new InitCommand(context).RunAsync(new InitOptions(), CancellationToken.None);
        await new SandboxEnrolCommand(context).RunAsync(new SandboxEnrolOptions { Bank = Host.Url }, CancellationToken.None);
        var options = new RegisterOptions { Audience = InProcessDemoHost.AcceptedAudience };

        // Act
        var first = await new RegisterCommand(context).RunAsync(options, CancellationToken.None);
        var second = await new RegisterCommand(context).RunAsync(options, CancellationToken.None);

        // Assert: a replayed jti would be refused (invalid_client_metadata); DuplicateRegistrations is Allow in the demo.
        Assert.That(JsonFields.Text(second, "client_id"), Is.Not.EqualTo(JsonFields.Text(first, "client_id")));
    }

    [Test]
    public async Task Register_WrongAudience_FailsWithRfc7591Error()
    {
        // Arrange
        using var directory = new TempDirectory();
        var console = new CapturedConsole();
        var context = new TppContext(console.Console, new StateStore(directory.Path), insecure: true);
        await new InitCommand(context).RunAsync(new InitOptions(), CancellationToken.None);
        await new SandboxEnrolCommand(context).RunAsync(new SandboxEnrolOptions { Bank = Host.Url }, CancellationToken.None);

        // Act / Assert: an audience the demo configuration does not accept (the default, the discovery issuer, is accepted).
        Assert.That(
            () => new RegisterCommand(context).RunAsync(new RegisterOptions { Audience = "https://another-bank.example.com" }, CancellationToken.None),
            Throws.TypeOf<TppException>().With.Message.Contains("400 Bad Request: invalid_client_metadata"));
        Assert.That(context.Store.Load().ClientId, Is.Null);
    }
}
