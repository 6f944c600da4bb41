// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using IdentityServer.Dcr.Auditing;
using IdentityServer.Dcr.Host.Operator;
using IdentityServer.Dcr.Stores;
using IdentityServer.Dcr.Tpp.Tests.TestDoubles;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IdentityServer.Dcr.Tpp.Tests.EndToEnd;

/// <summary>
/// Who may open the OpenIddict demo bank's operator area: outside Development it is off unless switched on, and switched
/// on without the bank's <c>DcrOperator</c> policy the host refuses to start (so does Development without the sandbox
/// sign-in); with the bank's policy the bank's sign-in decides, and the audit trail names the bank's operator.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed partial class OperatorAreaStartupTests
{
    [Test]
    public void OutsideDevelopment_EnabledWithoutThePolicy_RefusesToStartNamingTheSetting()
    {
        // Arrange: a production configuration (the bank's own token certificates), the area switched on; the sandbox
        // sign-in asked for too, which only Development has.
        using var certificates = new TempDirectory();
        var overrides = new Dictionary<string, string?>
        {
            ["Server:SigningCertificate:Path"] = Pkcs12(certificates, "signing.pfx", X509KeyUsageFlags.DigitalSignature),
            ["Server:EncryptionCertificate:Path"] = Pkcs12(certificates, "encryption.pfx", X509KeyUsageFlags.KeyEncipherment),
            ["Operator:Enabled"] = "true",
            ["Operator:SandboxSignIn"] = "true",
        };

        // Act
        var refusal = Assert.ThrowsAsync<InvalidOperationException>(() => InProcessDemoHost.StartAsync(overrides: overrides, environmentName: Environments.Production));

        // Assert
        Assert.That(refusal!.Message, Does.Contain("Operator:Enabled").And.Contain("'DcrOperator'"));
    }

    [Test]
    public void Development_SandboxSignInOffWithoutThePolicy_RefusesToStart()
    {
        var refusal = Assert.ThrowsAsync<InvalidOperationException>(() => InProcessDemoHost.StartAsync(overrides: new Dictionary<string, string?> { ["Operator:SandboxSignIn"] = "false" }));

        Assert.That(refusal!.Message, Does.Contain("Operator:Enabled").And.Contain("'DcrOperator'"));
    }

    [Test]
    public void Default_OffOutsideDevelopment_OnInDevelopment()
    {
        var none = new ConfigurationBuilder().Build();
        var on = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Operator:Enabled"] = "true" }).Build();

        Assert.Multiple(() =>
        {
            Assert.That(OperatorArea.IsEnabled(none, new Environment(Environments.Production)), Is.False);
            Assert.That(OperatorArea.IsEnabled(none, new Environment(Environments.Staging)), Is.False);
            Assert.That(OperatorArea.IsEnabled(none, new Environment(Environments.Development)), Is.True);
            Assert.That(OperatorArea.IsEnabled(on, new Environment(Environments.Production)), Is.True);
        });
    }

    [Test]
    public async Task BanksOwnPolicy_ItsSignInDecides_AndTheAuditNamesItsOperator()
    {
        // Arrange: the bank's operator sign-in (here a header scheme standing in for the bank's identity provider) and
        // its DcrOperator policy; the sandbox operator sign-in is off.
        await using var bank = await DemoJourneyBank.StartAsync(
            new Dictionary<string, string?> { ["Operator:SandboxSignIn"] = "false" },
            builder =>
            {
                builder.Services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, BankOperatorHandler>(BankOperatorHandler.SchemeName, null);
                builder.Services.AddAuthorizationBuilder().AddPolicy(OperatorArea.PolicyName, p => p.AddAuthenticationSchemes(BankOperatorHandler.SchemeName).RequireAuthenticatedUser());
            });
        using var tpp = await bank.RegisterTppAsync();
        var page = new Uri(bank.Url + "/operator/registrations/" + Uri.EscapeDataString(tpp.ClientId));
        using var anonymous = Client(null);
        using var alice = Client("alice");

        // Act
        using var refused = await anonymous.GetAsync(page);
        using var sandboxSignIn = await anonymous.GetAsync(new Uri(bank.Url + "/operator/sign-in"));
        using var opened = await alice.GetAsync(page);
        var html = await opened.Content.ReadAsStringAsync();
        using var disable = await alice.PostAsync(new Uri(page + "/disable"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(Token().Match(html).Groups[1].Value),
        }));

        // Assert
        var entry = (await bank.Services.GetRequiredService<IDcrAuditStore>().FindAsync(new DcrAuditQuery { ClientId = tpp.ClientId }, CancellationToken.None))[0];
        Assert.Multiple(async () =>
        {
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the bank's scheme challenges");
            Assert.That(sandboxSignIn.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "no sandbox sign-in beside the bank's");
            Assert.That(opened.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(html, Does.Contain("alice").And.Not.Contain("Sign out"));
            Assert.That(disable.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
            Assert.That((entry.Operation, entry.Actor), Is.EqualTo(("disable", "operator:alice")));
            Assert.That((await bank.Services.GetRequiredService<IClientRegistrationStore>().FindByClientIdAsync(tpp.ClientId, CancellationToken.None))!.IsDisabled, Is.True);
        });
    }

    private static HttpClient Client(string? operatorName)
    {
        var client = new HttpClient(new HttpClientHandler
        {
            AllowAutoRedirect = false,
            CookieContainer = new CookieContainer(),
            ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
        });
        if (operatorName is not null)
        {
            client.DefaultRequestHeaders.Add(BankOperatorHandler.Header, operatorName);
        }

        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        return client;
    }

    private static string Pkcs12(TempDirectory directory, string name, X509KeyUsageFlags usage)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Operator area test " + name, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, critical: true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var path = Path.Combine(directory.Path, name);
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12));
        return path;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]*)\"")]
    private static partial Regex Token();

    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;

        public string ApplicationName { get; set; } = "test";

        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }

    /// <summary>The bank's operator sign-in in this test: the operator named by a header, else a 401 challenge.</summary>
    private sealed class BankOperatorHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string SchemeName = "BankOperator";

        public const string Header = "X-Bank-Operator";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
            => Task.FromResult(Request.Headers[Header].ToString() is { Length: > 0 } name
                ? AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, name)], SchemeName)), SchemeName))
                : AuthenticateResult.NoResult());
    }
}
