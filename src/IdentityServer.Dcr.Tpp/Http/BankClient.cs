// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace IdentityServer.Dcr.Tpp.Http;

/// <summary>
/// Sends requests to a bank: server trust as configured, the transport certificate on every connection (mutual
/// TLS), no automatic redirects (a bearer token must not follow one), and failures turned into one-line
/// <see cref="TppException"/>s.
/// </summary>
internal sealed class BankClient : IDisposable
{
    private readonly HttpClient _http;

    private BankClient(HttpClient http) => _http = http;

    public static BankClient Create(TppConsole console, BankConnectionOptions options)
    {
        var trusted = options.CaFile is null ? null : LoadCaFile(options.CaFile);
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            ConnectTimeout = options.Timeout,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, chain, errors) => Trust(options.Insecure, trusted, certificate, chain, errors),
                ClientCertificateContext = options.ClientCertificate is null
                    ? null
                    : SslStreamCertificateContext.Create(options.ClientCertificate, null, offline: true),
            },
        };

        HttpMessageHandler pipeline = handler;
        if (console.Verbose)
        {
            var description = options.ClientCertificate is null
                ? null
                : $"{options.ClientCertificate.Subject}, SHA-256 {options.ClientCertificate.GetCertHashString(HashAlgorithmName.SHA256)}";
            pipeline = new ExchangeLoggingHandler(console.Error, description) { InnerHandler = handler };
        }

        var http = new HttpClient(pipeline) { Timeout = options.Timeout };
        http.DefaultRequestHeaders.UserAgent.Add(
            new ProductInfoHeaderValue("obie-tpp", typeof(BankClient).Assembly.GetName().Version?.ToString(3) ?? "0"));
        return new BankClient(http);
    }

    /// <summary>Sends one request and reads the whole answer; network, TLS and time-out failures become <see cref="TppException"/>.</summary>
    public Task<BankResponse> SendAsync(
        HttpMethod method,
        Uri url,
        HttpContent? content,
        AuthenticationHeaderValue? authorization,
        CancellationToken ct)
        => SendAsync(method, url, content, authorization, null, ct);

    /// <summary>
    /// As <see cref="SendAsync(HttpMethod, Uri, HttpContent?, AuthenticationHeaderValue?, CancellationToken)"/>, with
    /// extra request headers (such as <c>x-fapi-interaction-id</c>).
    /// </summary>
    public async Task<BankResponse> SendAsync(
        HttpMethod method,
        Uri url,
        HttpContent? content,
        AuthenticationHeaderValue? authorization,
        IReadOnlyDictionary<string, string>? headers,
        CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, url) { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Authorization = authorization;
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        try
        {
            using var response = await _http.SendAsync(request, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            var challenge = response.Headers.WwwAuthenticate.Count == 0 ? null : response.Headers.WwwAuthenticate.ToString();
            var echoed = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var name in headers?.Keys ?? Enumerable.Empty<string>())
            {
                if (response.Headers.TryGetValues(name, out var values))
                {
                    echoed[name] = string.Join(", ", values);
                }
            }

            return new BankResponse(method, url, response.StatusCode, response.ReasonPhrase, body, challenge) { EchoedHeaders = echoed };
        }
        catch (HttpRequestException ex) when (IsTlsFailure(ex))
        {
            throw new TppException(
                $"TLS with {url.Authority} failed ({ex.GetBaseException().Message}): if the server certificate is "
                + $"not trusted, pass --ca-file FILE, or --insecure for the sandbox.",
                ex);
        }
        catch (HttpRequestException ex)
        {
            throw new TppException($"cannot reach {url.GetLeftPart(UriPartial.Authority)} ({method} {url}): {ex.GetBaseException().Message}", ex);
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new TppException($"{method} {url} timed out after {_http.Timeout.TotalSeconds:0} s.", ex);
        }
    }

    public void Dispose() => _http.Dispose();

    private static bool IsTlsFailure(Exception ex)
    {
        for (var inner = ex.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is AuthenticationException)
            {
                return true;
            }
        }

        return false;
    }

    private static bool Trust(
        bool insecure,
        X509Certificate2Collection? trusted,
        X509Certificate? certificate,
        X509Chain? chain,
        SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None || insecure)
        {
            return true;
        }

        // --ca-file adds trust: only a chain error may be cured by it, never a name mismatch or a missing certificate.
        if (trusted is null || errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is not X509Certificate2 leaf)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        foreach (var ca in trusted)
        {
            if (ca.SubjectName.RawData.AsSpan().SequenceEqual(ca.IssuerName.RawData))
            {
                custom.ChainPolicy.CustomTrustStore.Add(ca);
            }
            else
            {
                custom.ChainPolicy.ExtraStore.Add(ca);
            }
        }

        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return custom.Build(leaf);
    }

    private static X509Certificate2Collection LoadCaFile(string path)
    {
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPemFile(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new TppException($"cannot read the CA file {path}: {ex.Message}", ex);
        }

        return collection.Count == 0 ? throw new TppException($"the CA file {path} holds no PEM certificate.") : collection;
    }
}
