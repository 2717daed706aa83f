/*
 * ECDSA over a digest the caller computed, in OpenSSL — the library Node's own `crypto.sign`
 * runs on, linked from the Node process itself.
 *
 * Why this exists: `crypto.sign` always hashes its input, so a client-supplied SHA-256 or SHA-384
 * digest (PROTOCOL.md §4 digest mode, and every CMS, PAdES and batch signature, which sign a
 * digest) cannot be signed with it. EVP_PKEY_sign signs a digest as it is. The private key is
 * imported once per unwrapped key (the signing-key cache keeps it) and released by `release`, or
 * by the garbage collector with the JavaScript object that holds it.
 *
 * The module is built by `npm ci` (binding.gyp); when it could not be built, libs/keystore falls
 * back to noble-curves in JavaScript and says so at start (docs/SIGNATURES.md).
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <openssl/evp.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  EVP_PKEY *pkey;
  EVP_PKEY_CTX *ctx; /* initialised for signing once; reused by every signature */
} digest_key;

static void key_free(digest_key *key) {
  if (key->ctx != NULL) EVP_PKEY_CTX_free(key->ctx);
  if (key->pkey != NULL) EVP_PKEY_free(key->pkey); /* OpenSSL clears the private scalar */
  key->ctx = NULL;
  key->pkey = NULL;
}

static void finalize_key(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  key_free((digest_key *)data);
  free(data);
}

/*
 * Every failure empties OpenSSL's per-thread error queue: it is the thread Node's own crypto runs
 * on, and a stale entry there makes a later, unrelated `crypto` call fail.
 */
static napi_value type_error(napi_env env, const char *message) {
  ERR_clear_error();
  napi_throw_type_error(env, "ERR_DSS_NATIVE_SIGNER", message);
  return NULL;
}

static napi_value bytes_arg(napi_env env, napi_value value, const unsigned char **data,
                            size_t *length) {
  bool is_typed = false;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed) return NULL;
  napi_typedarray_type type;
  void *raw = NULL;
  napi_value buffer;
  size_t offset = 0;
  if (napi_get_typedarray_info(env, value, &type, length, &raw, &buffer, &offset) != napi_ok ||
      type != napi_uint8_array) {
    return NULL;
  }
  *data = (const unsigned char *)raw;
  return value;
}

/* Reads exactly `count` arguments into `argv`; false (a TypeError thrown) otherwise. */
static bool arguments_of(napi_env env, napi_callback_info info, size_t count, napi_value *argv,
                         const char *usage) {
  size_t argc = count;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != count) {
    type_error(env, usage);
    return false;
  }
  return true;
}

/* importKey(pkcs8Der: Uint8Array): an opaque key — an EC private key, or a TypeError. */
static napi_value import_key(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!arguments_of(env, info, 1, argv, "importKey(pkcs8Der) takes one argument")) return NULL;
  const unsigned char *der = NULL;
  size_t length = 0;
  if (bytes_arg(env, argv[0], &der, &length) == NULL || length == 0 || length > 4096) {
    return type_error(env, "importKey: expected PKCS#8 DER bytes");
  }
  const unsigned char *cursor = der;
  EVP_PKEY *pkey = d2i_AutoPrivateKey(NULL, &cursor, (long)length);
  if (pkey == NULL || EVP_PKEY_get_base_id(pkey) != EVP_PKEY_EC) {
    if (pkey != NULL) EVP_PKEY_free(pkey);
    return type_error(env, "importKey: not an EC private key");
  }
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(pkey, NULL);
  if (ctx == NULL || EVP_PKEY_sign_init(ctx) <= 0) {
    if (ctx != NULL) EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(pkey);
    return type_error(env, "importKey: OpenSSL cannot sign with this key");
  }
  digest_key *key = malloc(sizeof *key);
  if (key == NULL) {
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(pkey);
    napi_throw_error(env, "ERR_DSS_NATIVE_SIGNER", "importKey: out of memory");
    return NULL;
  }
  key->pkey = pkey;
  key->ctx = ctx;
  napi_value external;
  if (napi_create_external(env, key, finalize_key, NULL, &external) != napi_ok) {
    key_free(key);
    free(key);
    napi_throw_error(env, "ERR_DSS_NATIVE_SIGNER", "importKey: cannot wrap the key");
    return NULL;
  }
  return external;
}

static digest_key *key_arg(napi_env env, napi_value value) {
  napi_valuetype kind;
  void *data = NULL;
  if (napi_typeof(env, value, &kind) != napi_ok || kind != napi_external) return NULL;
  if (napi_get_value_external(env, value, &data) != napi_ok) return NULL;
  return (digest_key *)data;
}

/* signDigest(key, digest: Uint8Array): the DER ECDSA-Sig-Value over `digest`, not hashed again. */
static napi_value sign_digest(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!arguments_of(env, info, 2, argv, "signDigest(key, digest) takes two arguments")) return NULL;
  digest_key *key = key_arg(env, argv[0]);
  if (key == NULL) return type_error(env, "signDigest: not a key from importKey");
  if (key->ctx == NULL) return type_error(env, "signDigest: the key was released");
  const unsigned char *digest = NULL;
  size_t length = 0;
  if (bytes_arg(env, argv[1], &digest, &length) == NULL || length < 20 || length > 64) {
    return type_error(env, "signDigest: expected a digest of 20 to 64 bytes");
  }
  /* A DER ECDSA-Sig-Value for curves up to P-521 fits in 141 bytes. */
  unsigned char signature[160];
  size_t signature_length = sizeof signature;
  if (EVP_PKEY_sign(key->ctx, signature, &signature_length, digest, length) <= 0) {
    ERR_clear_error();
    napi_throw_error(env, "ERR_DSS_NATIVE_SIGNER", "signDigest: OpenSSL refused to sign");
    return NULL;
  }
  napi_value result;
  void *copy = NULL;
  if (napi_create_buffer_copy(env, signature_length, signature, &copy, &result) != napi_ok) {
    napi_throw_error(env, "ERR_DSS_NATIVE_SIGNER", "signDigest: cannot return the signature");
    return NULL;
  }
  return result;
}

/* release(key): frees the key now rather than when the garbage collector gets to it. */
static napi_value release_key(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!arguments_of(env, info, 1, argv, "release(key) takes one argument")) return NULL;
  digest_key *key = key_arg(env, argv[0]);
  if (key == NULL) return type_error(env, "release: not a key from importKey");
  key_free(key);
  return NULL;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor properties[] = {
      {"importKey", NULL, import_key, NULL, NULL, NULL, napi_default, NULL},
      {"signDigest", NULL, sign_digest, NULL, NULL, NULL, napi_default, NULL},
      {"release", NULL, release_key, NULL, NULL, NULL, napi_default, NULL},
  };
  if (napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties) !=
      napi_ok) {
    return NULL;
  }
  return exports;
}
