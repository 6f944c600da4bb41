// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography;
using System.Text.RegularExpressions;
using IdentityServer.Dcr.Tpp.Keys;
using IdentityServer.Dcr.Tpp.State;

namespace IdentityServer.Dcr.Tpp.Commands;

/// <summary><c>obie-tpp init</c>: creates (or imports) the software signing key and the state file.</summary>
internal sealed partial class InitCommand(TppContext context)
{
    public Task RunAsync(InitOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        ct.ThrowIfCancellationRequested();
        var store = context.Store;
        if (store.Exists && !options.Force)
        {
            var existing = store.Load();
            throw new TppException(
                $"{store.Directory} is already initialised (software_id {existing.SoftwareId}); pass --force to "
                + $"start again, which replaces the signing key.");
        }

        var softwareId = options.SoftwareId ?? NewBase62(22);
        var organisationId = options.OrganisationId ?? "0015800001" + NewBase62(8);
        CheckIdentifier(softwareId, "--software-id");
        CheckIdentifier(organisationId, "--org-id");
        if (!ObieIdentifier().IsMatch(softwareId))
        {
            context.Console.Warn($"software_id '{softwareId}' does not match the OBIE pattern ^[0-9a-zA-Z]{{1,22}}$; some banks will refuse it.");
        }

        using var key = options.KeyFile is null
            ? SoftwareKey.Create(options.Algorithm, options.KeyId)
            : SoftwareKey.FromPem(store.ReadFile(Path.GetFullPath(options.KeyFile)), options.Algorithm, options.KeyId);
        context.Console.Step(options.KeyFile is null
            ? $"Created a {key.Algorithm} software signing key "
                + $"({(key.Algorithm == SigningAlgorithms.PS256 ? "RSA 2048" : "EC P-256")}), kid {key.KeyId}"
            : $"Imported the {key.Algorithm} software signing key from {options.KeyFile}, kid {key.KeyId}");
        var keyPath = store.WritePrivateFile(StateStore.SigningKeyFileName, key.ExportPrivateKeyPem());
        context.Console.Detail($"private key: {keyPath} (mode 0600)");
        if (GitWorkTree.Warning(store.Directory) is { } warning)
        {
            context.Console.Warn(warning);
        }

        var state = new TppState
        {
            SoftwareId = softwareId,
            OrganisationId = organisationId,
            SigningAlgorithm = key.Algorithm,
            SigningKeyId = key.KeyId,
        };
        store.Save(state);
        context.Console.Detail($"state:       {store.StatePath} (mode 0600)");
        context.Console.Detail($"software_id: {softwareId}");
        context.Console.Detail($"org_id:      {organisationId}");
        context.Console.Detail($"public JWK:  {key.PublicJwk().ToJsonString()}");
        context.Console.Step("Next: 'obie-tpp sandbox enrol --insecure' against the demo host, or publish the public JWK with your directory.");
        return Task.CompletedTask;
    }

    private static void CheckIdentifier(string value, string option)
    {
        if (!Identifier().IsMatch(value))
        {
            throw new TppException($"{option} '{value}' must be 1 to 64 letters, digits, '.', '_' or '-'.");
        }
    }

    private static string NewBase62(int length)
    {
        const string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        return string.Create(length, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
            }
        });
    }

    [GeneratedRegex("^[0-9A-Za-z._-]{1,64}$")]
    private static partial Regex Identifier();

    [GeneratedRegex("^[0-9a-zA-Z]{1,22}$")]
    private static partial Regex ObieIdentifier();
}
