//! The Qwen2 forward pass over quantized GGUF weights, built from candle ops.
//!
//! aiaccel runs its own forward pass instead of `candle_transformers::models::quantized_qwen2`
//! for three things generation needs and that model does not offer:
//! - logits for every fed position, so several draft tokens are checked in one pass
//!   (`generate`: prompt-lookup decoding);
//! - a KV cache that can be cut back to any length: rejected draft tokens are dropped, and a new
//!   prompt that shares a prefix with the cached one (the same function, the next strategy or a
//!   repair turn) only reads what is new;
//! - grouped-query attention without copying the keys and values once per query head: the query
//!   heads that share a KV head are stacked and multiplied with it directly.
//!
//! Batched positions go through candle's quantized matmul, which reads each weight block once per
//! tile of rows, so checking eight draft tokens costs little more than decoding one.

use candle_core::quantized::{gguf_file, QMatMul};
use candle_core::{DType, Device, IndexOp, Module, Result, Tensor};

struct Layer {
    wq: QMatMul,
    wk: QMatMul,
    wv: QMatMul,
    wo: QMatMul,
    bq: Tensor,
    bk: Tensor,
    bv: Tensor,
    attn_norm: Tensor,
    ffn_norm: Tensor,
    gate: QMatMul,
    up: QMatMul,
    down: QMatMul,
    /// (1, n_kv_head, cached positions, head_dim) each.
    kv: Option<(Tensor, Tensor)>,
}

pub struct Qwen2 {
    embed: Tensor,
    layers: Vec<Layer>,
    norm: Tensor,
    output: QMatMul,
    /// (context, head_dim / 2) each.
    cos: Tensor,
    sin: Tensor,
    n_head: usize,
    n_kv_head: usize,
    head_dim: usize,
    eps: f32,
    cached: usize,
    device: Device,
}

impl Qwen2 {
    pub fn from_gguf<R: std::io::Seek + std::io::Read>(ct: gguf_file::Content, reader: &mut R, device: &Device) -> Result<Self> {
        let md = |k: &str| match ct.metadata.get(k) {
            Some(v) => Ok(v.clone()),
            None => candle_core::bail!("GGUF metadata has no {k}"),
        };
        let n_head = md("qwen2.attention.head_count")?.to_u32()? as usize;
        let n_kv_head = md("qwen2.attention.head_count_kv")?.to_u32()? as usize;
        let dim = md("qwen2.embedding_length")?.to_u32()? as usize;
        let context = md("qwen2.context_length")?.to_u32()? as usize;
        let n_layer = md("qwen2.block_count")?.to_u32()? as usize;
        let eps = md("qwen2.attention.layer_norm_rms_epsilon")?.to_f32()?;
        let rope_base = md("qwen2.rope.freq_base").and_then(|v| v.to_f32()).unwrap_or(10_000.0);
        if !n_head.is_multiple_of(n_kv_head) {
            candle_core::bail!("{n_head} query heads do not group over {n_kv_head} KV heads");
        }
        let head_dim = dim / n_head;

        let mut tensor = |name: &str| ct.tensor(reader, name, device);
        let embed_q = tensor("token_embd.weight")?;
        let embed = embed_q.dequantize(device)?;
        let output = match tensor("output.weight") {
            Ok(w) => QMatMul::from_qtensor(w)?,
            Err(_) => QMatMul::from_qtensor(embed_q)?, // tied embeddings
        };
        let norm = tensor("output_norm.weight")?.dequantize(device)?;
        let mut layers = Vec::with_capacity(n_layer);
        for i in 0..n_layer {
            let mut q = |what: &str| -> Result<QMatMul> { QMatMul::from_qtensor(tensor(&format!("blk.{i}.{what}.weight"))?) };
            let (wq, wk, wv, wo) = (q("attn_q")?, q("attn_k")?, q("attn_v")?, q("attn_output")?);
            let (gate, up, down) = (q("ffn_gate")?, q("ffn_up")?, q("ffn_down")?);
            let mut f = |what: &str| -> Result<Tensor> { tensor(&format!("blk.{i}.{what}"))?.dequantize(device) };
            layers.push(Layer {
                wq,
                wk,
                wv,
                wo,
                bq: f("attn_q.bias")?,
                bk: f("attn_k.bias")?,
                bv: f("attn_v.bias")?,
                attn_norm: f("attn_norm.weight")?,
                ffn_norm: f("ffn_norm.weight")?,
                gate,
                up,
                down,
                kv: None,
            });
        }
        let inv_freq: Vec<f32> = (0..head_dim).step_by(2).map(|i| 1.0 / rope_base.powf(i as f32 / head_dim as f32)).collect();
        let inv_freq = Tensor::new(inv_freq.as_slice(), device)?;
        let positions = Tensor::arange(0u32, context as u32, device)?.to_dtype(DType::F32)?;
        let angles = positions.unsqueeze(1)?.broadcast_mul(&inv_freq.unsqueeze(0)?)?;
        Ok(Qwen2 {
            embed,
            layers,
            norm,
            output,
            cos: angles.cos()?,
            sin: angles.sin()?,
            n_head,
            n_kv_head,
            head_dim,
            eps,
            cached: 0,
            device: device.clone(),
        })
    }

    /// Positions whose keys and values are cached.
    pub fn cached_len(&self) -> usize {
        self.cached
    }

    /// Keep the first `len` cached positions, forget the rest.
    pub fn truncate(&mut self, len: usize) -> Result<()> {
        if len >= self.cached {
            return Ok(());
        }
        for l in &mut self.layers {
            l.kv = match (len, l.kv.take()) {
                (0, _) | (_, None) => None,
                (_, Some((k, v))) => Some((k.narrow(2, 0, len)?, v.narrow(2, 0, len)?)),
            };
        }
        self.cached = len;
        Ok(())
    }

    /// Feed `tokens` at the positions after the cached ones. Returns the logits of every fed
    /// position, (tokens, vocab), when `all_logits`; else those of the last one, (1, vocab).
    pub fn forward(&mut self, tokens: &[u32], all_logits: bool) -> Result<Tensor> {
        let seq = tokens.len();
        let pos = self.cached;
        let ids = Tensor::new(tokens, &self.device)?;
        let mut x = self.embed.index_select(&ids, 0)?.unsqueeze(0)?; // (1, seq, dim)
        let cos = self.cos.narrow(0, pos, seq)?;
        let sin = self.sin.narrow(0, pos, seq)?;
        // additive causal mask over (seq, pos + seq): position i sees cached ones and j <= i
        let mask = if seq > 1 {
            let t = pos + seq;
            let m: Vec<f32> = (0..seq).flat_map(|i| (0..t).map(move |j| if j > pos + i { f32::NEG_INFINITY } else { 0.0 })).collect();
            Some(Tensor::from_vec(m, (seq, t), &self.device)?)
        } else {
            None
        };
        let (n_head, n_kv, hd) = (self.n_head, self.n_kv_head, self.head_dim);
        let rep = n_head / n_kv;
        let scale = 1.0 / (hd as f64).sqrt();
        for l in &mut self.layers {
            let h = candle_nn::ops::rms_norm(&x, &l.attn_norm, self.eps)?;
            let heads = |t: Tensor, n: usize| -> Result<Tensor> { t.reshape((1, seq, n, hd))?.transpose(1, 2)?.contiguous() };
            let q = heads(l.wq.forward(&h)?.broadcast_add(&l.bq)?, n_head)?;
            let k = heads(l.wk.forward(&h)?.broadcast_add(&l.bk)?, n_kv)?;
            let v = heads(l.wv.forward(&h)?.broadcast_add(&l.bv)?, n_kv)?;
            let q = candle_nn::rotary_emb::rope(&q, &cos, &sin)?;
            let k = candle_nn::rotary_emb::rope(&k, &cos, &sin)?;
            let (k, v) = match l.kv.take() {
                None => (k, v),
                Some((kc, vc)) => (Tensor::cat(&[&kc, &k], 2)?, Tensor::cat(&[&vc, &v], 2)?),
            };
            l.kv = Some((k.clone(), v.clone()));
            let t = pos + seq;
            // query head h uses KV head h / rep: stack each group's queries as rows
            let q = q.reshape((1, n_kv, rep * seq, hd))?;
            let att = (q.matmul(&k.t()?)? * scale)?; // (1, n_kv, rep * seq, t)
            let att = match &mask {
                None => att,
                Some(m) => att.reshape((1, n_kv, rep, seq, t))?.broadcast_add(m)?.reshape((1, n_kv, rep * seq, t))?,
            };
            let att = candle_nn::ops::softmax_last_dim(&att)?;
            let y = att.matmul(&v.contiguous()?)?; // (1, n_kv, rep * seq, hd)
            let y = y.reshape((1, n_head, seq, hd))?.transpose(1, 2)?.reshape((1, seq, n_head * hd))?;
            x = (x + l.wo.forward(&y)?)?;
            let h = candle_nn::ops::rms_norm(&x, &l.ffn_norm, self.eps)?;
            let mlp = l.down.forward(&(candle_nn::ops::silu(&l.gate.forward(&h)?)? * l.up.forward(&h)?)?)?;
            x = (x + mlp)?;
        }
        self.cached = pos + seq;
        let x = candle_nn::ops::rms_norm(&x, &self.norm, self.eps)?;
        let x = if all_logits { x.squeeze(0)? } else { x.i((.., seq - 1, ..))? };
        self.output.forward(&x)
    }
}
