// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.Authorization;
using IdentityServer.Dcr.Host.Development;
using IdentityServer.Dcr.Tpp.Commands;
using IdentityServer.Dcr.Tpp.State;
using IdentityServer.Dcr.Tpp.Tests.TestDoubles;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityServer.Dcr.Tpp.Tests.EndToEnd;

/// <summary>
/// The sandbox's account-access-consent endpoint (OB Read/Write 3.1 shape) on the demo host in-process, over real
/// mutual TLS with TPPs enrolled, registered and issued client_credentials tokens by the host itself; and the host's
/// <see cref="IIntentStore"/>, as the authorization journey resolves it.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class SandboxIntentTests : DemoHostFixture
{
    private const string Consents = SandboxIntentEndpoints.BasePath;
    private const string ValidRequest = """{"Data":{"Permissions":["ReadAccountsBasic","ReadBalances"],"ExpirationDateTime":"2099-01-31T09:30:00+00:00"},"Risk":{}}""";

    private RegisteredTpp _a = null!;
    private RegisteredTpp _b = null!;

    [OneTimeSetUp]
    public async Task RegisterTppsAsync()
    {
        _a = await RegisteredTpp.CreateAsync(Host.Url);
        _b = await RegisteredTpp.CreateAsync(Host.Url);
    }

    [OneTimeTearDown]
    public void DisposeTpps()
    {
        _a?.Dispose();
        _b?.Dispose();
    }

    [Test]
    public async Task Create_WithAccountsToken_Answers201AwaitingAuthorisationAndEchoesInteractionId()
    {
        // Arrange
        var interactionId = Guid.NewGuid().ToString();

        // Act
        using var response = await SendAsync(_a.Certificate, _a.Token, HttpMethod.Post, Consents, ValidRequest, interactionId);

        // Assert
        var body = await JsonAsync(response);
        var data = body["Data"]!;
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), body.ToJsonString());
            Assert.That(Header(response, SandboxIntentEndpoints.InteractionIdHeader), Is.EqualTo(interactionId));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
            Assert.That(data["ConsentId"]!.GetValue<string>(), Does.StartWith("aac-"));
            Assert.That(data["Status"]!.GetValue<string>(), Is.EqualTo("AwaitingAuthorisation"));
            Assert.That(data["Permissions"]!.AsArray().Select(p => p!.GetValue<string>()), Is.EqualTo(new[] { "ReadAccountsBasic", "ReadBalances" }));
            Assert.That(data["ExpirationDateTime"]!.GetValue<string>(), Is.EqualTo("2099-01-31T09:30:00+00:00"));
            Assert.That(DateTimeOffset.Parse(data["CreationDateTime"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(DateTimeOffset.UtcNow).Within(TimeSpan.FromMinutes(1)));
            Assert.That(data["StatusUpdateDateTime"]!.GetValue<string>(), Is.EqualTo(data["CreationDateTime"]!.GetValue<string>()));
            Assert.That(body["Risk"], Is.InstanceOf<JsonObject>());
            Assert.That(body["Links"]!["Self"]!.GetValue<string>(), Is.EqualTo($"{Host.Url}{Consents}/{data["ConsentId"]!.GetValue<string>()}"));
            Assert.That(response.Headers.Location?.ToString(), Is.EqualTo(body["Links"]!["Self"]!.GetValue<string>()));
            Assert.That(body["Meta"]!["TotalPages"]!.GetValue<int>(), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Get_OwnIntent_Answers200WithTheSameConsent_AndTheIntentStoreKnowsIt()
    {
        // Arrange
        var consentId = await CreateAsync(_a);

        // Act
        using var response = await SendAsync(_a.Certificate, _a.Token, HttpMethod.Get, $"{Consents}/{consentId}");
        var intent = await Host.Services.GetRequiredService<IIntentStore>().FindAsync(consentId, CancellationToken.None);

        // Assert
        var body = await JsonAsync(response);
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body.ToJsonString());
            Assert.That(body["Data"]!["ConsentId"]!.GetValue<string>(), Is.EqualTo(consentId));
            Assert.That(body["Data"]!["Status"]!.GetValue<string>(), Is.EqualTo("AwaitingAuthorisation"));
            Assert.That(Guid.TryParse(Header(response, SandboxIntentEndpoints.InteractionIdHeader), out _), Is.True, "generated when the request has none");
            Assert.That(intent, Is.Not.Null);
            Assert.That(intent!.ClientId, Is.EqualTo(_a.ClientId));
            Assert.That(intent.Status, Is.EqualTo(IntentStatus.AwaitingAuthorisation));
            Assert.That(intent.Permissions, Is.EqualTo(new[] { "ReadAccountsBasic", "ReadBalances" }));
        });
    }

    [Test]
    public async Task Get_AnotherClientsIntent_Answers403WithObError()
    {
        // Arrange
        var consentId = await CreateAsync(_a);

        // Act
        using var response = await SendAsync(_b.Certificate, _b.Token, HttpMethod.Get, $"{Consents}/{consentId}");

        // Assert
        var body = await JsonAsync(response);
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), body.ToJsonString());
            Assert.That(body["Code"]!.GetValue<string>(), Is.EqualTo("403 Forbidden"));
            Assert.That(body["Errors"]![0]!["ErrorCode"]!.GetValue<string>(), Is.EqualTo("UK.OBIE.Resource.ConsentMismatch"));
            Assert.That(body.ToJsonString(), Does.Not.Contain("ReadBalances"), "nothing of the intent is disclosed");
        });
    }

    [Test]
    public async Task Get_UnknownConsent_Answers400ResourceNotFound()
    {
        // Act
        using var response = await SendAsync(_a.Certificate, _a.Token, HttpMethod.Get, $"{Consents}/aac-00000000000000000000000000000000");

        // Assert
        var body = await JsonAsync(response);
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(body["Errors"]![0]!["ErrorCode"]!.GetValue<string>(), Is.EqualTo("UK.OBIE.Resource.NotFound"));
        });
    }

    [Test]
    public async Task Create_WithoutToken_Answers401BearerChallenge()
    {
        // Act
        using var response = await SendAsync(_a.Certificate, null, HttpMethod.Post, Consents, ValidRequest);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(response.Headers.WwwAuthenticate.ToString(), Is.EqualTo("Bearer"));
            Assert.That(Header(response, SandboxIntentEndpoints.InteractionIdHeader), Is.Not.Empty);
        });
    }

    [Test]
    public async Task Create_WithAnInvalidToken_Answers401InvalidToken()
    {
        // Act
        using var response = await SendAsync(_a.Certificate, "not-a-token", HttpMethod.Post, Consents, ValidRequest);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.Contain("error=\"invalid_token\""));
        });
    }

    [Test]
    public async Task Create_TokenWithoutAccountsScope_Answers403InsufficientScope()
    {
        // Arrange: the same client, with a token for payments only.
        var paymentsToken = await _a.RequestTokenAsync("payments");

        // Act
        using var response = await SendAsync(_a.Certificate, paymentsToken, HttpMethod.Post, Consents, ValidRequest);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.Contain("error=\"insufficient_scope\"").And.Contain("scope=\"accounts\""));
        });
    }

    [Test]
    public async Task Create_TokenWithAnotherClientsCertificate_Answers401()
    {
        // Act: TPP A's (certificate-bound) token over TPP B's mutual TLS connection.
        using var response = await SendAsync(_b.Certificate, _a.Token, HttpMethod.Post, Consents, ValidRequest);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.Contain("error=\"invalid_token\""));
        });
    }

    [Test]
    public async Task Create_WithoutClientCertificate_Answers401()
    {
        // Act
        using var response = await SendAsync(null, _a.Token, HttpMethod.Post, Consents, ValidRequest);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.Contain("transport certificate"));
        });
    }

    [TestCase("""{"Data":{"Permissions":["ReadAccountsBasic","ReadEverything"]},"Risk":{}}""", "UK.OBIE.Field.Invalid", "Data.Permissions", TestName = "Create_UnknownPermission_Answers400")]
    [TestCase("""{"Data":{"Permissions":[]},"Risk":{}}""", "UK.OBIE.Field.Invalid", "Data.Permissions", TestName = "Create_EmptyPermissions_Answers400")]
    [TestCase("""{"Data":{},"Risk":{}}""", "UK.OBIE.Field.Missing", "Data.Permissions", TestName = "Create_MissingPermissions_Answers400")]
    [TestCase("""{"Data":{"Permissions":"ReadAccountsBasic"},"Risk":{}}""", "UK.OBIE.Field.Invalid", "Data.Permissions", TestName = "Create_PermissionsNotAnArray_Answers400")]
    [TestCase("""{"Data":{"Permissions":[42]},"Risk":{}}""", "UK.OBIE.Field.Invalid", "Data.Permissions", TestName = "Create_NonStringPermission_Answers400")]
    [TestCase("""{"Data":{"Permissions":["ReadTransactionsBasic"]},"Risk":{}}""", "UK.OBIE.Field.Invalid", "Data.Permissions", TestName = "Create_TransactionsWithoutCreditsOrDebits_Answers400")]
    [TestCase("""{"Data":{"Permissions":["ReadAccountsBasic"],"ExpirationDateTime":"2001-01-01T00:00:00+00:00"},"Risk":{}}""", "UK.OBIE.Field.InvalidDate", "Data.ExpirationDateTime", TestName = "Create_ExpirationInThePast_Answers400")]
    [TestCase("""{"Data":{"Permissions":["ReadAccountsBasic"],"ExpirationDateTime":"next tuesday"},"Risk":{}}""", "UK.OBIE.Field.InvalidDate", "Data.ExpirationDateTime", TestName = "Create_ExpirationNotADate_Answers400")]
    [TestCase("""{"Data":{"Permissions":["ReadAccountsBasic"],"TransactionFromDateTime":"2030-01-02T00:00:00Z","TransactionToDateTime":"2030-01-01T00:00:00Z"},"Risk":{}}""", "UK.OBIE.Field.InvalidDate", "Data.TransactionFromDateTime", TestName = "Create_TransactionFromAfterTo_Answers400")]
    [TestCase("""{"Data":{"Permissions":["ReadAccountsBasic"]}}""", "UK.OBIE.Field.Missing", "Risk", TestName = "Create_MissingRisk_Answers400")]
    [TestCase("""{"Permissions":["ReadAccountsBasic"]}""", "UK.OBIE.Field.Missing", "Data", TestName = "Create_MissingData_Answers400")]
    [TestCase("""{"Data":{"Permissions":["ReadAccountsBasic"]},""", "UK.OBIE.Resource.InvalidFormat", null, TestName = "Create_MalformedJson_Answers400")]
    [TestCase("""["ReadAccountsBasic"]""", "UK.OBIE.Resource.InvalidFormat", null, TestName = "Create_NotAnObject_Answers400")]
    public async Task Create_InvalidRequest_Answers400WithObError(string request, string errorCode, string? path)
    {
        // Act
        using var response = await SendAsync(_a.Certificate, _a.Token, HttpMethod.Post, Consents, request);

        // Assert
        var body = await JsonAsync(response);
        var error = body["Errors"]![0]!;
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), body.ToJsonString());
            Assert.That(body["Code"]!.GetValue<string>(), Is.EqualTo("400 BadRequest"));
            Assert.That(Guid.TryParse(body["Id"]!.GetValue<string>(), out _), Is.True);
            Assert.That(body["Message"]!.GetValue<string>(), Is.Not.Empty);
            Assert.That(error["ErrorCode"]!.GetValue<string>(), Is.EqualTo(errorCode));
            Assert.That(error["Message"]!.GetValue<string>(), Is.Not.Empty);
            Assert.That(error["Path"]?.GetValue<string>(), Is.EqualTo(path));
        });
    }

    [Test]
    public async Task Create_BodyLargerThanTheLimit_Answers400()
    {
        // Arrange
        var request = "{\"Data\":{\"Permissions\":[\"ReadAccountsBasic\"]},\"Risk\":{\"Padding\":\"" + new string('x', SandboxIntentEndpoints.MaxBodySize) + "\"}}";

        // Act
        using var response = await SendAsync(_a.Certificate, _a.Token, HttpMethod.Post, Consents, request);

        // Assert
        var body = await JsonAsync(response);
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(body["Errors"]![0]!["ErrorCode"]!.GetValue<string>(), Is.EqualTo("UK.OBIE.Resource.InvalidFormat"));
        });
    }

    [Test]
    public async Task Create_InvalidInteractionId_Answers400AndAnswersAFreshOne()
    {
        // Act
        using var response = await SendAsync(_a.Certificate, _a.Token, HttpMethod.Post, Consents, ValidRequest, "not an id; <script>");

        // Assert
        var body = await JsonAsync(response);
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(body["Errors"]![0]!["ErrorCode"]!.GetValue<string>(), Is.EqualTo("UK.OBIE.Header.Invalid"));
            Assert.That(Guid.TryParse(Header(response, SandboxIntentEndpoints.InteractionIdHeader), out _), Is.True);
        });
    }

    [Test]
    public async Task IntentStore_TrySettleOnceWins_AndTheEndpointThenReadsAuthorised()
    {
        // Arrange
        var consentId = await CreateAsync(_a);
        var store = Host.Services.GetRequiredService<IIntentStore>();

        // Act
        var foreign = await store.TrySettleAsync(consentId, _b.ClientId, authorised: true, "customer-1", CancellationToken.None);
        var first = await store.TrySettleAsync(consentId, _a.ClientId, authorised: true, "customer-1", CancellationToken.None);
        var second = await store.TrySettleAsync(consentId, _a.ClientId, authorised: false, "customer-1", CancellationToken.None);
        using var response = await SendAsync(_a.Certificate, _a.Token, HttpMethod.Get, $"{Consents}/{consentId}");

        // Assert
        var body = await JsonAsync(response);
        Assert.Multiple(() =>
        {
            Assert.That(foreign, Is.False, "an intent is settled only for its own client");
            Assert.That(first, Is.True);
            Assert.That(second, Is.False);
            Assert.That(body["Data"]!["Status"]!.GetValue<string>(), Is.EqualTo("Authorised"));
        });
    }

    [Test]
    public async Task Intent_SurvivesARestartOfTheHost()
    {
        // Arrange: a TPP creates an intent over HTTP; the host then restarts on the same App_Data. (The restarted host
        // listens on other ports, so the TPP's certificate names a CRL location that is gone: the intent is read back
        // through the host's IIntentStore, as the authorization journey reads it.)
        using var contentRoot = new TempDirectory();
        string consentId;
        string clientId;
        await using (var first = await InProcessDemoHost.StartAsync(contentRoot))
        {
            using var tpp = await RegisteredTpp.CreateAsync(first.Url);
            clientId = tpp.ClientId;
            consentId = await CreateAsync(tpp, first.Url);
        }

        // Act
        await using var second = await InProcessDemoHost.StartAsync(contentRoot);
        var intent = await second.Services.GetRequiredService<IIntentStore>().FindAsync(consentId, CancellationToken.None);
        var settled = await second.Services.GetRequiredService<IIntentStore>().TrySettleAsync(consentId, clientId, authorised: true, "customer-1", CancellationToken.None);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(intent, Is.Not.Null);
            Assert.That(intent!.ClientId, Is.EqualTo(clientId));
            Assert.That(intent.Status, Is.EqualTo(IntentStatus.AwaitingAuthorisation));
            Assert.That(intent.Permissions, Is.EqualTo(new[] { "ReadAccountsBasic", "ReadBalances" }));
            Assert.That(intent.ExpiresAt, Is.EqualTo(new DateTimeOffset(2099, 1, 31, 9, 30, 0, TimeSpan.Zero)));
            Assert.That(settled, Is.True, "still awaiting authorisation after the restart");
        });
    }

    private async Task<string> CreateAsync(RegisteredTpp tpp, string? baseUrl = null)
    {
        using var response = await SendAsync(tpp.Certificate, tpp.Token, HttpMethod.Post, Consents, ValidRequest, baseUrl: baseUrl);
        var body = await JsonAsync(response);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), body.ToJsonString());
        return body["Data"]!["ConsentId"]!.GetValue<string>();
    }

    private async Task<HttpResponseMessage> SendAsync(X509Certificate2? certificate, string? token, HttpMethod method, string path, string? json = null, string? interactionId = null, string? baseUrl = null)
    {
        var handler = new HttpClientHandler { ClientCertificateOptions = ClientCertificateOption.Manual, ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        if (certificate is not null)
        {
            handler.ClientCertificates.Add(certificate);
        }

        using var client = new HttpClient(handler);
        using var request = new HttpRequestMessage(method, (baseUrl ?? Host.Url) + path);
        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        if (interactionId is not null)
        {
            request.Headers.TryAddWithoutValidation(SandboxIntentEndpoints.InteractionIdHeader, interactionId);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return await client.SendAsync(request);
    }

    private static async Task<JsonObject> JsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(text, Is.Not.Empty, $"{(int)response.StatusCode} with no body");
        return JsonNode.Parse(text)!.AsObject();
    }

    private static string Header(HttpResponseMessage response, string name)
        => response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : "";

    /// <summary>A TPP enrolled in the sandbox and registered (private_key_jwt, scope "openid accounts payments"), with an access token.</summary>
    private sealed class RegisteredTpp : IDisposable
    {
        private readonly TempDirectory _directory;
        private readonly TppContext _context;

        private RegisteredTpp(TempDirectory directory, TppContext context, string clientId, string token, X509Certificate2 certificate)
        {
            _directory = directory;
            _context = context;
            ClientId = clientId;
            Token = token;
            Certificate = certificate;
        }

        public string ClientId { get; }

        /// <summary>A client_credentials token with every registered scope but openid (accounts included), bound to <see cref="Certificate"/>.</summary>
        public string Token { get; }

        public X509Certificate2 Certificate { get; }

        public static async Task<RegisteredTpp> CreateAsync(string bank)
        {
            var directory = new TempDirectory();
            var context = new TppContext(new CapturedConsole().Console, new StateStore(directory.Path), insecure: true);
            await new InitCommand(context).RunAsync(new InitOptions(), CancellationToken.None);
            await new SandboxEnrolCommand(context).RunAsync(new SandboxEnrolOptions { Bank = bank }, CancellationToken.None);
            await new RegisterCommand(context).RunAsync(new RegisterOptions { Bank = bank }, CancellationToken.None);
            var token = await new TokenCommand(context).RunAsync(new TokenOptions(), CancellationToken.None);
            var state = context.Store.Load();
            return new RegisteredTpp(directory, context, state.ClientId!, token, context.LoadTransportCertificate(state));
        }

        /// <summary>Another token of the same client, for <paramref name="scope"/>.</summary>
        public Task<string> RequestTokenAsync(string scope)
            => new TokenCommand(_context).RunAsync(new TokenOptions { Scope = scope }, CancellationToken.None);

        public void Dispose()
        {
            Certificate.Dispose();
            _directory.Dispose();
        }
    }
}
