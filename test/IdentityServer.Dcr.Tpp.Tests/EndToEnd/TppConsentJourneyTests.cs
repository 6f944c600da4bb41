// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json.Nodes;
using IdentityServer.Dcr.Authorization;
using IdentityServer.Dcr.Tpp.Cli;
using IdentityServer.Dcr.Tpp.Commands;
using IdentityServer.Dcr.Tpp.Registration;
using IdentityServer.Dcr.Tpp.State;
using IdentityServer.Dcr.Tpp.Tests.TestDoubles;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityServer.Dcr.Tpp.Tests.EndToEnd;

/// <summary>
/// obie-tpp's side of the authorization journey (issue 11) against the OpenIddict demo bank in-process: init, sandbox
/// enrol, register, <c>consent</c>, <c>authorize</c> (pushed and by value), the customer on the bank's consent page
/// (an HTTP client), and <c>exchange</c> of the URL the bank redirected to; rejections and tampered redirects.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class TppConsentJourneyTests : DemoHostFixture
{
    [TestCase(true, "code id_token", AuthMethods.PrivateKeyJwt, "PS256")]
    [TestCase(false, "code id_token", AuthMethods.PrivateKeyJwt, "ES256")]
    [TestCase(true, "code", AuthMethods.TlsClientAuth, "PS256")]
    [TestCase(false, "code", AuthMethods.PrivateKeyJwt, "PS256")]
    [TestCase(true, "code id_token", AuthMethods.TlsClientAuth, "ES256")]
    public async Task Journey_ConsentAuthorizeApproveExchange_VerifiedTokensSaved(bool push, string responseType, string authMethod, string algorithm)
    {
        // Arrange
        using var directory = new TempDirectory();
        var console = new CapturedConsole();
        var context = await RegisteredAsync(directory, console, authMethod, algorithm);

        // Act: the TPP creates the intent and the authorization URL; the customer approves; the TPP exchanges.
        var consentId = await new ConsentCommand(context).RunAsync(new ConsentOptions(), CancellationToken.None);
        var url = await new AuthorizeCommand(context).RunAsync(new AuthorizeOptions { Push = push, ResponseType = responseType }, CancellationToken.None);
        var pending = context.Store.Load().PendingAuthorization;
        var redirect = await SandboxCustomer.DecideAsync(url, "approve");
        var tokens = await new ExchangeCommand(context).RunAsync(new ExchangeOptions { RedirectedUrl = redirect.AbsoluteUri }, CancellationToken.None);

        // Assert
        var state = context.Store.Load();
        var output = console.Out.ToString();
        await TestContext.Out.WriteLineAsync(output);
        Assert.Multiple(async () =>
        {
            Assert.That(await IntentStatusAsync(consentId), Is.EqualTo(IntentStatus.Authorised));
            Assert.That(output, Does.Contain($"ConsentId {consentId}, Status AwaitingAuthorisation"));
            Assert.That(url.AbsoluteUri, Does.StartWith(Host.Url + "/connect/authorize?client_id="));
            Assert.That(url.Query, push ? Does.Contain("request_uri=").And.Not.Contain("&request=") : Does.Contain("&request=").And.Not.Contain("request_uri="));
            Assert.That(pending!.CodeVerifier, push || responseType == "code" ? Is.Not.Null : Is.Null, "PKCE when pushing or for code");
            Assert.That(pending.ResponseType, Is.EqualTo(responseType));
            Assert.That(responseType == "code" ? redirect.Query : redirect.Fragment, Does.Contain("code=").And.Contain("state="));
            Assert.That(output, responseType == "code" ? Does.Not.Contain("Front-channel ID token verified") : Does.Contain("Front-channel ID token verified"));
            Assert.That(output, Does.Contain("openbanking_intent_id " + consentId), "the token endpoint's ID token names the consent");
            Assert.That(JsonFields.Text(tokens, "access_token"), Is.Not.Null);
            Assert.That(output, Does.Not.Contain(JsonFields.Text(tokens, "access_token")!), "the access token is printed redacted");
            Assert.That(state.PendingAuthorization, Is.Null, "the request is spent");
            Assert.That(state.ConsentStatus, Is.EqualTo("Authorised"));
            Assert.That(state.AuthorizationTokens!.ConsentId, Is.EqualTo(consentId));
            Assert.That(state.AuthorizationTokens.AccessToken, Is.EqualTo(JsonFields.Text(tokens, "access_token")));
            Assert.That(state.AuthorizationTokens.IdToken, Is.Not.Null);
            Assert.That(state.AuthorizationTokens.Subject, Is.Not.Null.And.Not.Empty);
        });

        // The same redirect cannot be exchanged twice: the tool has spent the request.
        Assert.That(
            () => new ExchangeCommand(context).RunAsync(new ExchangeOptions { RedirectedUrl = redirect.AbsoluteUri }, CancellationToken.None),
            Throws.TypeOf<TppException>().With.Message.Contains("no authorization in progress"));
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task Journey_CustomerRejects_ExchangeReportsAccessDenied(bool push)
    {
        // Arrange
        using var directory = new TempDirectory();
        var context = await RegisteredAsync(directory, new CapturedConsole(), AuthMethods.PrivateKeyJwt, "PS256");
        var consentId = await new ConsentCommand(context).RunAsync(new ConsentOptions(), CancellationToken.None);
        var url = await new AuthorizeCommand(context).RunAsync(new AuthorizeOptions { Push = push }, CancellationToken.None);

        // Act
        var redirect = await SandboxCustomer.DecideAsync(url, "reject");

        // Assert
        Assert.That(
            () => new ExchangeCommand(context).RunAsync(new ExchangeOptions { RedirectedUrl = redirect.AbsoluteUri }, CancellationToken.None),
            Throws.TypeOf<TppException>().With.Message.Contains("access_denied").And.Message.Contains("refused the authorization"));
        Assert.Multiple(async () =>
        {
            Assert.That(await IntentStatusAsync(consentId), Is.EqualTo(IntentStatus.Rejected));
            Assert.That(context.Store.Load().PendingAuthorization, Is.Null);
            Assert.That(context.Store.Load().AuthorizationTokens, Is.Null, "no tokens");
        });
    }

    [Test]
    public async Task Exchange_RedirectOfAnEarlierAuthorization_StateMismatchAndNothingExchanged()
    {
        // Arrange: two authorize runs; the customer answers the first one, whose state the tool no longer holds.
        using var directory = new TempDirectory();
        var context = await RegisteredAsync(directory, new CapturedConsole(), AuthMethods.PrivateKeyJwt, "PS256");
        await new ConsentCommand(context).RunAsync(new ConsentOptions(), CancellationToken.None);
        var first = await new AuthorizeCommand(context).RunAsync(new AuthorizeOptions(), CancellationToken.None);
        await new AuthorizeCommand(context).RunAsync(new AuthorizeOptions(), CancellationToken.None);
        var redirect = await SandboxCustomer.DecideAsync(first, "approve");

        // Act / Assert
        Assert.That(
            () => new ExchangeCommand(context).RunAsync(new ExchangeOptions { RedirectedUrl = redirect.AbsoluteUri }, CancellationToken.None),
            Throws.TypeOf<TppException>().With.Message.Contains("state is not the one"));
        Assert.Multiple(() =>
        {
            Assert.That(context.Store.Load().PendingAuthorization, Is.Not.Null, "a forged redirect does not spend the real request");
            Assert.That(context.Store.Load().AuthorizationTokens, Is.Null);
        });
    }

    [TestCase("code", "c_hash")]
    [TestCase("id_token_signature", "signature")]
    [TestCase("id_token_payload", "signature")]
    [TestCase("state_only", "no id_token")]
    public async Task Exchange_TamperedHybridRedirect_RefusedBeforeTheCodeIsExchanged(string tamper, string expected)
    {
        // Arrange: a genuine approval, then the redirect altered on its way to the TPP.
        using var directory = new TempDirectory();
        var context = await RegisteredAsync(directory, new CapturedConsole(), AuthMethods.PrivateKeyJwt, "PS256");
        var consentId = await new ConsentCommand(context).RunAsync(new ConsentOptions(), CancellationToken.None);
        var url = await new AuthorizeCommand(context).RunAsync(new AuthorizeOptions { Push = true }, CancellationToken.None);
        var redirect = await SandboxCustomer.DecideAsync(url, "approve");
        var parameters = redirect.Fragment[1..].Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var idToken = parameters["id_token"].Split('.');
        switch (tamper)
        {
            case "code":
                parameters["code"] = (parameters["code"][0] == 'A' ? "B" : "A") + parameters["code"][1..];
                break;
            case "id_token_signature":
                idToken[2] = (idToken[2][0] == 'A' ? "B" : "A") + idToken[2][1..];
                parameters["id_token"] = string.Join('.', idToken);
                break;
            case "id_token_payload":
                var claims = JsonNode.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(idToken[1]))!.AsObject();
                claims["openbanking_intent_id"] = "another-consent";
                idToken[1] = System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(claims.ToJsonString()));
                parameters["id_token"] = string.Join('.', idToken);
                break;
            default:
                parameters.Remove("id_token");
                break;
        }

        var tampered = redirect.GetLeftPart(UriPartial.Path) + "#" + string.Join('&', parameters.Select(p => p.Key + "=" + p.Value));

        // Act / Assert
        Assert.That(
            () => new ExchangeCommand(context).RunAsync(new ExchangeOptions { RedirectedUrl = tampered }, CancellationToken.None),
            Throws.TypeOf<TppException>().With.Message.Contains(expected));
        Assert.Multiple(async () =>
        {
            Assert.That(context.Store.Load().AuthorizationTokens, Is.Null, "nothing was exchanged");
            Assert.That(await IntentStatusAsync(consentId), Is.EqualTo(IntentStatus.Authorised), "the customer did approve");
        });
    }

    [Test]
    public async Task Consent_InvalidPermission_ObErrorShown()
    {
        using var directory = new TempDirectory();
        var context = await RegisteredAsync(directory, new CapturedConsole(), AuthMethods.PrivateKeyJwt, "PS256");

        Assert.That(
            () => new ConsentCommand(context).RunAsync(new ConsentOptions { Permissions = ["ReadAccountsBasic,ReadEverything"] }, CancellationToken.None),
            Throws.TypeOf<TppException>().With.Message.Contains("400").And.Message.Contains("UK.OBIE."));
        Assert.That(context.Store.Load().ConsentId, Is.Null);
    }

    [Test]
    public async Task Consent_TokenWithoutAccounts_403ExplainsTheScope()
    {
        // Arrange: a client registered without the accounts scope.
        using var directory = new TempDirectory();
        var context = await RegisteredAsync(directory, new CapturedConsole(), AuthMethods.PrivateKeyJwt, "PS256", scope: "openid payments");

        // Act / Assert
        Assert.That(
            () => new ConsentCommand(context).RunAsync(new ConsentOptions(), CancellationToken.None),
            Throws.TypeOf<TppException>().With.Message.Contains("403").And.Message.Contains("lacks the 'accounts' scope"));
    }

    [Test]
    public async Task Consent_RefusedToken_401Explained()
    {
        // Arrange: a saved token the bank never issued, still "valid" by its saved expiry.
        using var directory = new TempDirectory();
        var context = await RegisteredAsync(directory, new CapturedConsole(), AuthMethods.PrivateKeyJwt, "PS256");
        var state = context.Store.Load();
        state.AccessToken = "not-a-token-of-this-bank";
        state.AccessTokenExpiresAt = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        context.Store.Save(state);

        // Act / Assert
        Assert.That(
            () => new ConsentCommand(context).RunAsync(new ConsentOptions(), CancellationToken.None),
            Throws.TypeOf<TppException>().With.Message.Contains("401").And.Message.Contains("obie-tpp token"));
    }

    [Test]
    public async Task CommandLine_ConsentAuthorizeExchange_ExitZeroAndTheUrlOnItsOwnLine()
    {
        // Arrange
        using var directory = new TempDirectory();
        var dir = directory.Path;
        Assert.That((await RunAsync("init", "--dir", dir)).Code, Is.Zero);
        Assert.That((await RunAsync("sandbox", "enrol", "--dir", dir, "--bank", Host.Url, "--insecure")).Code, Is.Zero);
        Assert.That((await RunAsync("register", "--dir", dir, "--insecure")).Code, Is.Zero);

        // Act
        var consent = await RunAsync("consent", "--dir", dir, "--insecure", "--permissions", "ReadAccountsBasic,ReadBalances", "--expires", DateTimeOffset.UtcNow.AddDays(30).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture));
        var authorize = await RunAsync("authorize", "--dir", dir, "--insecure", "--no-par", "--verbose");
        var url = authorize.Output.Split('\n').Select(l => l.Trim()).Last(l => l.Length > 0);
        var redirect = await SandboxCustomer.DecideAsync(new Uri(url), "approve");
        var exchange = await RunAsync("exchange", redirect.AbsoluteUri, "--dir", dir, "--insecure", "--verbose");
        var both = await RunAsync("authorize", "--dir", dir, "--par", "--no-par");

        // Assert
        var state = new StateStore(dir).Load();
        Assert.Multiple(() =>
        {
            Assert.That((consent.Code, authorize.Code, exchange.Code), Is.EqualTo((0, 0, 0)), consent.Error + authorize.Error + exchange.Error);
            Assert.That(consent.Output, Does.Contain("ConsentId " + state.ConsentId));
            Assert.That(consent.Error, Does.Contain("warning: --insecure"));
            Assert.That(url, Does.StartWith(Host.Url + "/connect/authorize?client_id="));
            Assert.That(exchange.Output, Does.Contain("200 OK: tokens for consent " + state.ConsentId));
            Assert.That(exchange.Error, Does.Contain("> POST " + Host.Url + "/connect/token"), "--verbose logs the exchange");
            Assert.That(exchange.Output + exchange.Error, Does.Not.Contain(state.AuthorizationTokens!.AccessToken!));
            Assert.That(exchange.Output + exchange.Error, Does.Not.Contain(state.AuthorizationTokens.RefreshToken ?? "no refresh token"));
            Assert.That(both.Code, Is.Not.Zero);
            Assert.That(both.Error, Does.Contain("--par and --no-par"));
        });
    }

    [Test]
    public async Task CommandLine_ExchangeWithoutAuthorize_ExitsOneWithOneLineCause()
    {
        using var directory = new TempDirectory();
        Assert.That((await RunAsync("init", "--dir", directory.Path)).Code, Is.Zero);
        var state = new StateStore(directory.Path).Load();
        state.ClientId = "some-client";
        new StateStore(directory.Path).Save(state);

        var exchange = await RunAsync("exchange", "https://tpp.example.com/callback#code=x&state=y", "--dir", directory.Path);

        Assert.Multiple(() =>
        {
            Assert.That(exchange.Code, Is.EqualTo(ErrorHandling.Failed));
            Assert.That(exchange.Error.Trim(), Does.StartWith("error: no authorization in progress").And.Not.Contain("\n"));
        });
    }

    private async Task<TppContext> RegisteredAsync(TempDirectory directory, CapturedConsole console, string authMethod, string algorithm, string? scope = null)
    {
        var context = new TppContext(console.Console, new StateStore(directory.Path), insecure: true);
        await new InitCommand(context).RunAsync(new InitOptions { Algorithm = algorithm }, CancellationToken.None);
        await new SandboxEnrolCommand(context).RunAsync(new SandboxEnrolOptions { Bank = Host.Url }, CancellationToken.None);
        await new RegisterCommand(context).RunAsync(
            new RegisterOptions { Bank = Host.Url, AuthMethod = authMethod, ResponseTypes = ["code id_token", "code"], Scope = scope },
            CancellationToken.None);
        return context;
    }

    private async Task<IntentStatus?> IntentStatusAsync(string intentId)
        => (await Host.Services.GetRequiredService<IIntentStore>().FindAsync(intentId, CancellationToken.None))?.Status;

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await TppCommandLine.InvokeAsync(args, output, error, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }
}
