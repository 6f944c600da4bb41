// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using IdentityServer.Dcr.Authorization;
using IdentityServer.Dcr.Host.Development;
using IdentityServer.Dcr.Testing.Browser;
using IdentityServer.Dcr.Tpp.Commands;
using IdentityServer.Dcr.Tpp.Keys;
using IdentityServer.Dcr.Tpp.Registration;
using IdentityServer.Dcr.Tpp.State;
using IdentityServer.Dcr.Tpp.Tests.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace IdentityServer.Dcr.Tpp.Tests.EndToEnd;

/// <summary>
/// The OBIE authorization journey on the OpenIddict demo bank in-process, over real mutual TLS for the TPP and plain TLS
/// for the customer's browser (an HTTP client that follows the server-rendered forms): register, client_credentials
/// token, intent, signed request object by value or pushed, the sandbox consent page, the redirect back with a detached
/// ID token, and the code exchanged with the registered client authentication.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed partial class AuthorizationJourneyTests
{
    private const string Consents = SandboxIntentEndpoints.BasePath;

    private InProcessDemoHost _host = null!;
    private TempDirectory _directory = null!;
    private TppContext _context = null!;
    private TppState _state = null!;
    private SoftwareKey _key = null!;
    private X509Certificate2 _certificate = null!;
    private JsonObject _discovery = null!;
    private string _redirectUri = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _host = await InProcessDemoHost.StartAsync();
        _directory = new TempDirectory();
        _context = new TppContext(new CapturedConsole().Console, new StateStore(_directory.Path), insecure: true);
        await new InitCommand(_context).RunAsync(new InitOptions(), CancellationToken.None);
        await new SandboxEnrolCommand(_context).RunAsync(new SandboxEnrolOptions { Bank = _host.Url }, CancellationToken.None);
        await new RegisterCommand(_context).RunAsync(new RegisterOptions { Bank = _host.Url }, CancellationToken.None);
        _state = _context.Store.Load();
        _key = _context.LoadSigningKey(_state);
        _certificate = _context.LoadTransportCertificate(_state);
        _redirectUri = _state.Registration!["redirect_uris"]![0]!.GetValue<string>();
        using var browser = Browser();
        _discovery = JsonNode.Parse(await browser.GetStringAsync(new Uri(_host.Url + "/.well-known/openid-configuration")))!.AsObject();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _key?.Dispose();
        _certificate?.Dispose();
        _directory?.Dispose();
        await _host.DisposeAsync();
    }

    private string ClientId => _state.ClientId!;

    [Test]
    public void Discovery_PublishesTheJourneyUnderTheIssuer()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_discovery["issuer"]!.GetValue<string>().TrimEnd('/'), Is.EqualTo(_host.Url));
            Assert.That(_discovery["authorization_endpoint"]!.GetValue<string>(), Is.EqualTo(_host.Url + "/connect/authorize"));
            Assert.That(_discovery["pushed_authorization_request_endpoint"]!.GetValue<string>(), Is.EqualTo(_host.Url + "/connect/par"));
            Assert.That(_discovery["token_endpoint"]!.GetValue<string>(), Is.EqualTo(_host.Url + "/connect/token"));
            Assert.That(_discovery["request_parameter_supported"]!.GetValue<bool>(), Is.True);
            Assert.That(_discovery["code_challenge_methods_supported"]!.AsArray().Select(v => v!.GetValue<string>()), Is.EquivalentTo(new[] { "S256" }));
            Assert.That(_discovery["response_modes_supported"]!.AsArray().Select(v => v!.GetValue<string>()), Does.Not.Contain("form_post"));
            Assert.That(_discovery["claims_supported"]!.AsArray().Select(v => v!.GetValue<string>()), Does.Contain("openbanking_intent_id"));
        });
    }

    [Test]
    public async Task Hybrid_ByValue_Approved_CodeAndDetachedIdTokenThenTokens()
    {
        // Arrange
        var intent = await CreateIntentAsync();
        var state = "state-" + Guid.NewGuid().ToString("N");
        var nonce = "nonce-" + Guid.NewGuid().ToString("N");
        var request = SignRequestObject(intent, "code id_token", state, nonce);

        // Act: the browser goes to the bank, the customer approves.
        var redirect = await ConsentAsync(Query(("client_id", ClientId), ("response_type", "code id_token"), ("scope", "openid accounts"), ("request", request)), "approve");

        // Assert: code, id_token and state in the fragment; the ID token is a detached signature of code and state.
        var response = Fragment(redirect);
        Assert.That(response.ContainsKey("error"), Is.False, redirect.AbsoluteUri);
        var idToken = new JsonWebToken(response["id_token"]);
        Assert.Multiple(() =>
        {
            Assert.That(redirect.GetLeftPart(UriPartial.Path), Is.EqualTo(_redirectUri));
            Assert.That(response["state"], Is.EqualTo(state));
            Assert.That(idToken.Alg, Is.EqualTo(_state.Registration!["id_token_signed_response_alg"]!.GetValue<string>()), "signed with the registered algorithm");
            Assert.That(idToken.GetClaim("openbanking_intent_id").Value, Is.EqualTo(intent));
            Assert.That(idToken.GetClaim("nonce").Value, Is.EqualTo(nonce));
            Assert.That(idToken.GetClaim("c_hash").Value, Is.EqualTo(HalfHash(response["code"])));
            Assert.That(idToken.GetClaim("s_hash").Value, Is.EqualTo(HalfHash(state)));
            Assert.That(idToken.Audiences, Does.Contain(ClientId));
        });
        Assert.That(await IntentStatusAsync(intent), Is.EqualTo(IntentStatus.Authorised));

        // Act: the TPP exchanges the code with its registered client authentication.
        using var exchange = await ExchangeAsync(response["code"], codeVerifier: null);
        var tokens = JsonNode.Parse(await exchange.Content.ReadAsStringAsync())!;

        // Assert
        Assert.That(exchange.StatusCode, Is.EqualTo(HttpStatusCode.OK), tokens.ToJsonString());
        var backChannel = new JsonWebToken(tokens["id_token"]!.GetValue<string>());
        Assert.Multiple(() =>
        {
            Assert.That(tokens["access_token"], Is.Not.Null);
            Assert.That(backChannel.GetClaim("openbanking_intent_id").Value, Is.EqualTo(intent));
            Assert.That(backChannel.Subject, Is.EqualTo(idToken.Subject));
        });

        // The code is single use.
        using var again = await ExchangeAsync(response["code"], codeVerifier: null);
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [TestCase("Approve", null)]
    [TestCase("Reject", "access_denied")]
    public async Task Browser_Hybrid_ByValue_CustomerDecidesOnTheBanksPage(string button, string? error)
    {
        // Arrange: Debian's headless Chromium as the customer's browser; the TPP's redirect URI host is caught on loopback.
        var intent = await CreateIntentAsync();
        var request = SignRequestObject(intent, "code id_token", "state-b", "nonce-b");
        var options = new BrowserSessionOptions();
        options.TrustedCertificates.Add(_host.Services.GetRequiredService<SandboxPki>().ServerCertificate);
        options.InterceptedHosts.Add(new Uri(_redirectUri).Host);
        await using var browser = await BrowserSession.StartAsync(options);

        // Act
        await browser.RunAsync(async session =>
        {
            await session.NavigateAsync(new Uri(_host.Url + "/connect/authorize" + Query(("client_id", ClientId), ("response_type", "code id_token"), ("scope", "openid accounts"), ("request", request))));
            await session.WaitForTextAsync("ReadAccountsBasic");
            await session.FillAsync("Customer id", "customer-1");
            await session.FillAsync("Password", "sandbox");
            await session.ClickAsync(button);
            await session.WaitForRedirectAsync(u => u.AbsolutePath == new Uri(_redirectUri).AbsolutePath);
            await session.WaitForUrlAsync(u => u.Fragment.Length > 1, "the redirect's fragment in the address bar");
        });

        // Assert: the fragment never reaches a server; the browser's address keeps it.
        var response = Fragment(browser.Url);
        Assert.Multiple(async () =>
        {
            Assert.That(response.GetValueOrDefault("state"), Is.EqualTo("state-b"));
            Assert.That(response.GetValueOrDefault("error"), Is.EqualTo(error));
            Assert.That(response.ContainsKey("code"), Is.EqualTo(error is null));
            Assert.That(await IntentStatusAsync(intent), Is.EqualTo(error is null ? IntentStatus.Authorised : IntentStatus.Rejected));
        });
    }

    [Test]
    public async Task Hybrid_ByValue_Rejected_AccessDeniedWithStateAndIntentRejected()
    {
        var intent = await CreateIntentAsync();
        var request = SignRequestObject(intent, "code id_token", "state-r", "nonce-r");

        var redirect = await ConsentAsync(Query(("client_id", ClientId), ("response_type", "code id_token"), ("scope", "openid accounts"), ("request", request)), "reject");

        var response = Fragment(redirect);
        Assert.Multiple(async () =>
        {
            Assert.That(response.GetValueOrDefault("error"), Is.EqualTo("access_denied"), redirect.AbsoluteUri);
            Assert.That(response.GetValueOrDefault("state"), Is.EqualTo("state-r"));
            Assert.That(response.ContainsKey("code"), Is.False);
            Assert.That(await IntentStatusAsync(intent), Is.EqualTo(IntentStatus.Rejected));
        });
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task Pushed_HybridWithPkce_Approved_CodeExchangedOnlyWithItsVerifier(bool rightVerifier)
    {
        // Arrange: the request object is pushed with client authentication; the browser carries only its reference.
        var intent = await CreateIntentAsync();
        var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var request = SignRequestObject(intent, "code id_token", "state-p", "nonce-p", c =>
        {
            c["code_challenge"] = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
            c["code_challenge_method"] = "S256";
        });
        var parEndpoint = _discovery["pushed_authorization_request_endpoint"]!.GetValue<string>();
        using var push = await TppPostAsync(parEndpoint, new Dictionary<string, string>
        {
            ["client_id"] = ClientId,
            ["request"] = request,
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = ClientAssertionBuilder.BuildSigned(ClientId, parEndpoint, _key, DateTimeOffset.UtcNow),
        });
        var pushed = JsonNode.Parse(await push.Content.ReadAsStringAsync())!;
        Assert.That(push.StatusCode, Is.EqualTo(HttpStatusCode.Created), pushed.ToJsonString());

        // Act
        var redirect = await ConsentAsync(Query(("client_id", ClientId), ("request_uri", pushed["request_uri"]!.GetValue<string>())), "approve");
        var response = Fragment(redirect);
        Assert.That(response.GetValueOrDefault("state"), Is.EqualTo("state-p"), redirect.AbsoluteUri);
        using var exchange = await ExchangeAsync(response["code"], rightVerifier ? verifier : Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32)));

        // Assert
        Assert.That(exchange.StatusCode, Is.EqualTo(rightVerifier ? HttpStatusCode.OK : HttpStatusCode.BadRequest), await exchange.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task Pushed_WithoutClientAuthentication_IsInvalidClient()
    {
        var intent = await CreateIntentAsync();
        using var push = await TppPostAsync(_discovery["pushed_authorization_request_endpoint"]!.GetValue<string>(), new Dictionary<string, string>
        {
            ["client_id"] = ClientId,
            ["request"] = SignRequestObject(intent, "code id_token", "s", "n", c => { c["code_challenge"] = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"; c["code_challenge_method"] = "S256"; }),
        });

        Assert.That(push.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest).Or.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(JsonNode.Parse(await push.Content.ReadAsStringAsync())!["error"]!.GetValue<string>(), Is.EqualTo("invalid_client"));
    }

    [Test]
    public async Task UnregisteredRedirectUri_ErrorShownNeverRedirected()
    {
        var intent = await CreateIntentAsync();
        var request = SignRequestObject(intent, "code id_token", "s", "n", c => c["redirect_uri"] = "https://attacker.example.com/callback");

        using var browser = Browser();
        using var response = await browser.GetAsync(new Uri(_host.Url + "/connect/authorize" + Query(("client_id", ClientId), ("response_type", "code id_token"), ("request", request))));

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(response.Headers.Location, Is.Null, "never sent to an unregistered redirect URI");
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("invalid_request"));
        });
    }

    [Test]
    public async Task NoRequestObject_ErrorShown()
    {
        using var browser = Browser();
        using var response = await browser.GetAsync(new Uri(_host.Url + "/connect/authorize" + Query(
            ("client_id", ClientId), ("response_type", "code id_token"), ("scope", "openid accounts"), ("redirect_uri", _redirectUri), ("nonce", "n"), ("state", "s"))));

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(response.Headers.Location, Is.Null);
        });
    }

    [Test]
    public async Task IntentAlreadyAuthorised_AccessDeniedSentToTheRedirectUriWithInnerState()
    {
        // Arrange: an intent that was already decided cannot be authorised again.
        var intent = await CreateIntentAsync();
        var store = _host.Services.GetRequiredService<IIntentStore>();
        Assert.That(await store.TrySettleAsync(intent, ClientId, authorised: false, "customer-1", CancellationToken.None), Is.True);
        var request = SignRequestObject(intent, "code id_token", "inner-state", "n");

        // Act
        using var browser = Browser();
        using var response = await browser.GetAsync(new Uri(_host.Url + "/connect/authorize" + Query(("client_id", ClientId), ("response_type", "code id_token"), ("state", "outer-state"), ("request", request))));

        // Assert
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        var fragment = Fragment(response.Headers.Location!);
        Assert.Multiple(() =>
        {
            Assert.That(response.Headers.Location!.GetLeftPart(UriPartial.Path), Is.EqualTo(_redirectUri));
            Assert.That(fragment.GetValueOrDefault("error"), Is.EqualTo("access_denied"));
            Assert.That(fragment.GetValueOrDefault("state"), Is.EqualTo("inner-state"), "only the signed state is returned");
        });
    }

    [Test]
    public async Task WrongCustomerPassword_PageAgainNoDecision()
    {
        var intent = await CreateIntentAsync();
        var request = SignRequestObject(intent, "code id_token", "s", "n");
        using var browser = Browser();
        using var page = await browser.GetAsync(new Uri(_host.Url + "/connect/authorize" + Query(("client_id", ClientId), ("response_type", "code id_token"), ("request", request))));
        var fields = HiddenFields(await page.Content.ReadAsStringAsync());
        fields["customer"] = "customer-1";
        fields["password"] = "wrong";
        fields["decision"] = "approve";

        using var answer = await browser.PostAsync(new Uri(_host.Url + "/connect/authorize"), new FormUrlEncodedContent(fields));

        Assert.Multiple(async () =>
        {
            Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await answer.Content.ReadAsStringAsync(), Does.Contain("wrong password"));
            Assert.That(await IntentStatusAsync(intent), Is.EqualTo(IntentStatus.AwaitingAuthorisation));
        });
    }

    private async Task<string> CreateIntentAsync()
    {
        var token = await new TokenCommand(_context).RunAsync(new TokenOptions(), CancellationToken.None);
        using var client = TppClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_host.Url + Consents))
        {
            Content = new StringContent("""{"Data":{"Permissions":["ReadAccountsBasic","ReadBalances"]},"Risk":{}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), body.ToJsonString());
        return body["Data"]!["ConsentId"]!.GetValue<string>();
    }

    private async Task<IntentStatus?> IntentStatusAsync(string intentId)
        => (await _host.Services.GetRequiredService<IIntentStore>().FindAsync(intentId, CancellationToken.None))?.Status;

    private string SignRequestObject(string intent, string responseType, string state, string nonce, Action<JsonObject>? modify = null)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new JsonObject
        {
            ["iss"] = ClientId,
            ["aud"] = _discovery["issuer"]!.GetValue<string>(),
            ["nbf"] = now,
            ["exp"] = now + 300,
            ["client_id"] = ClientId,
            ["response_type"] = responseType,
            ["redirect_uri"] = _redirectUri,
            ["scope"] = "openid accounts",
            ["state"] = state,
            ["nonce"] = nonce,
            ["claims"] = new JsonObject
            {
                ["id_token"] = new JsonObject { ["openbanking_intent_id"] = new JsonObject { ["value"] = intent, ["essential"] = true } },
            },
        };
        modify?.Invoke(claims);
        return _key.Sign(claims);
    }

    /// <summary>The customer's side: open the bank's page, sign in as the sandbox customer, decide; returns where the bank redirects.</summary>
    private async Task<Uri> ConsentAsync(string query, string decision)
    {
        using var browser = Browser();
        using var page = await browser.GetAsync(new Uri(_host.Url + "/connect/authorize" + query));
        var html = await page.Content.ReadAsStringAsync();
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK), html);
        Assert.That(html, Does.Contain("ReadAccountsBasic"), "the page lists the intent's permissions");
        var fields = HiddenFields(html);
        fields["customer"] = "customer-1";
        fields["password"] = "sandbox";
        fields["decision"] = decision;
        using var answer = await browser.PostAsync(new Uri(_host.Url + "/connect/authorize"), new FormUrlEncodedContent(fields));
        Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await answer.Content.ReadAsStringAsync());
        return answer.Headers.Location!;
    }

    private async Task<HttpResponseMessage> ExchangeAsync(string code, string? codeVerifier)
    {
        var tokenEndpoint = _discovery["token_endpoint"]!.GetValue<string>();
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = _redirectUri,
            ["client_id"] = ClientId,
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = ClientAssertionBuilder.BuildSigned(ClientId, tokenEndpoint, _key, DateTimeOffset.UtcNow),
        };
        if (codeVerifier is not null)
        {
            form["code_verifier"] = codeVerifier;
        }

        return await TppPostAsync(tokenEndpoint, form);
    }

    private async Task<HttpResponseMessage> TppPostAsync(string uri, Dictionary<string, string> form)
    {
        using var client = TppClient();
        return await client.PostAsync(new Uri(uri), new FormUrlEncodedContent(form));
    }

    private HttpClient TppClient()
        => new(new HttpClientHandler
        {
            ClientCertificates = { _certificate },
            ClientCertificateOptions = ClientCertificateOption.Manual,
            ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
        });

    /// <summary>The customer's browser: no client certificate, cookies kept, redirects not followed (the TPP's redirect URI is not a server here).</summary>
    private static HttpClient Browser()
        => new(new HttpClientHandler
        {
            AllowAutoRedirect = false,
            UseCookies = true,
            CookieContainer = new CookieContainer(),
            ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
        });

    private static string Query(params (string Name, string Value)[] parameters)
        => "?" + string.Join('&', parameters.Select(p => Uri.EscapeDataString(p.Name) + "=" + Uri.EscapeDataString(p.Value)));

    private static Dictionary<string, string> Fragment(Uri uri)
    {
        var part = uri.Fragment.Length > 1 ? uri.Fragment[1..] : uri.Query.TrimStart('?');
        return part.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => p.Length > 1 ? Uri.UnescapeDataString(p[1].Replace('+', ' ')) : string.Empty);
    }

    private static Dictionary<string, string> HiddenFields(string html)
        => HiddenInput().Matches(html).ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value));

    private static string HalfHash(string value)
    {
        var digest = SHA256.HashData(Encoding.ASCII.GetBytes(value));
        return Base64UrlEncoder.Encode(digest, 0, digest.Length / 2);
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\">")]
    private static partial Regex HiddenInput();
}
