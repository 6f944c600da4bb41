// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace IdentityServer.Dcr.BrowserTests;

/// <summary>
/// A small server-rendered authorization site on a real Kestrel HTTPS listener on 127.0.0.1, shaped like a bank's
/// customer-facing OBIE pages: <c>GET /authorize</c> shows a sign-in form, a correct sign-in leads to a consent page
/// (account choice, Approve or Reject), and the decision redirects (302) to the TPP's <c>redirect_uri</c> with a code
/// or <c>error=access_denied</c>, and the <c>state</c>. The TLS certificate is self-signed, made per site. No client
/// certificate is asked for: the customer's browser has none.
/// </summary>
public sealed class ConsentSite : IAsyncDisposable
{
    public const string ClientId = "tpp-client-1";
    public const string RedirectUri = "https://tpp.example/callback";
    public const string Username = "alice";
    public const string Password = "correct horse";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Transaction> _transactions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _codes = new(StringComparer.Ordinal);
    private int _requests;

    private ConsentSite(WebApplication app, X509Certificate2 certificate)
    {
        _app = app;
        Certificate = certificate;
    }

    /// <summary>The site's TLS certificate.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The site's base address, <c>https://127.0.0.1:port/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The HTTP requests the site has received.</summary>
    public int RequestCount => Volatile.Read(ref _requests);

    /// <summary>The codes issued, with the account the customer chose for each.</summary>
    public IReadOnlyDictionary<string, string> IssuedCodes => _codes;

    public static async Task<ConsentSite> StartAsync()
    {
        var certificate = CreateCertificate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        var app = builder.Build();
        var site = new ConsentSite(app, certificate);
        app.Use((context, next) =>
        {
            Interlocked.Increment(ref site._requests);
            context.Response.Headers.CacheControl = "no-store";
            return next(context);
        });
        app.MapGet("/authorize", site.Authorize);
        app.MapPost("/signin", site.SignInAsync);
        app.MapGet("/consent", site.Consent);
        app.MapPost("/consent", site.DecideAsync);
        await app.StartAsync().ConfigureAwait(false);
        site.BaseAddress = new Uri(app.Urls.Single() + "/");
        return site;
    }

    /// <summary>The authorization request URL a TPP would send the customer to.</summary>
    public Uri AuthorizeUrl(string state) =>
        new(BaseAddress, $"authorize?response_type=code&client_id={ClientId}&redirect_uri={Uri.EscapeDataString(RedirectUri)}&state={Uri.EscapeDataString(state)}");

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        Certificate.Dispose();
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Demo Bank sandbox (test)", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    private static IResult Page(string title, string body, int status = StatusCodes.Status200OK) =>
        Results.Content(
            $"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>{H(title)}</title></head>
            <body><h1>{H(title)}</h1>{body}</body></html>
            """,
            "text/html; charset=utf-8",
            Encoding.UTF8,
            status);

    private static string H(string? value) => WebUtility.HtmlEncode(value ?? string.Empty);

    private static string SignInForm(string transaction, string? error) =>
        $"""
        {(error is null ? string.Empty : $"<p role=\"alert\">{H(error)}</p>")}
        <form method="post" action="/signin">
          <input type="hidden" name="tx" value="{H(transaction)}">
          <p><label for="username">Username</label> <input id="username" name="username" autocomplete="username"></p>
          <p><label for="password">Password</label> <input id="password" name="password" type="password"></p>
          <p><button type="submit">Sign in</button></p>
        </form>
        """;

    private IResult Authorize(HttpRequest request)
    {
        var query = request.Query;
        if (query["client_id"] != ClientId || query["redirect_uri"] != RedirectUri || query["response_type"] != "code")
        {
            return Page("Invalid request", "<p>Unknown client or redirect_uri.</p>", StatusCodes.Status400BadRequest);
        }

        var transaction = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        _transactions[transaction] = new Transaction(query["state"].ToString(), SignedIn: false);
        return Page("Sign in to Demo Bank", SignInForm(transaction, error: null));
    }

    private async Task<IResult> SignInAsync(HttpRequest request)
    {
        var form = await request.ReadFormAsync().ConfigureAwait(false);
        var transaction = form["tx"].ToString();
        if (!_transactions.TryGetValue(transaction, out var current))
        {
            return Page("Invalid request", "<p>Unknown transaction.</p>", StatusCodes.Status400BadRequest);
        }

        if (form["username"] != Username || form["password"] != Password)
        {
            return Page("Sign in to Demo Bank", SignInForm(transaction, "The username or password is wrong."));
        }

        _transactions[transaction] = current with { SignedIn = true };
        return Results.Redirect($"/consent?tx={transaction}");
    }

    private IResult Consent(HttpRequest request)
    {
        var transaction = request.Query["tx"].ToString();
        if (!_transactions.TryGetValue(transaction, out var current) || !current.SignedIn)
        {
            return Page("Invalid request", "<p>Sign in first.</p>", StatusCodes.Status400BadRequest);
        }

        return Page(
            "Approve access",
            $"""
            <p>Acme TPP asks to read your account information.</p>
            <form method="post" action="/consent">
              <input type="hidden" name="tx" value="{H(transaction)}">
              <p><label for="account">Account</label>
                <select id="account" name="account">
                  <option value="12345678">Current account ending 5678</option>
                  <option value="87654321">Savings account ending 4321</option>
                </select></p>
              <p><button type="submit" name="decision" value="approve">Approve</button>
                 <button type="submit" name="decision" value="reject">Reject</button></p>
            </form>
            """);
    }

    private async Task<IResult> DecideAsync(HttpRequest request)
    {
        var form = await request.ReadFormAsync().ConfigureAwait(false);
        if (!_transactions.TryRemove(form["tx"].ToString(), out var current) || !current.SignedIn)
        {
            return Page("Invalid request", "<p>Unknown transaction.</p>", StatusCodes.Status400BadRequest);
        }

        var state = Uri.EscapeDataString(current.State);
        if (form["decision"] != "approve")
        {
            return Results.Redirect($"{RedirectUri}?error=access_denied&state={state}");
        }

        var code = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        _codes[code] = form["account"].ToString();
        return Results.Redirect($"{RedirectUri}?code={code}&state={state}");
    }

    private sealed record Transaction(string State, bool SignedIn);
}
